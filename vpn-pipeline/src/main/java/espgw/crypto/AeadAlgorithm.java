package espgw.crypto;

import java.util.Locale;

/**
 * The ESP AEAD transforms espgw speaks. Key material as configured (and as {@code ip xfrm state}
 * takes it) is the cipher key followed by a 4-octet salt: RFC 4106 §8.1, RFC 7634 §2.1.
 */
public enum AeadAlgorithm {
    /** RFC 4106 with a 128-bit key. */
    AES_GCM_128("aes-gcm-128", 16, "AES", "AES/GCM/NoPadding", "AES-GCM with 16 octet ICV [RFC4106]"),
    /** RFC 4106 with a 192-bit key (kept because the draft-mcgrew-gcm-test vectors use it). */
    AES_GCM_192("aes-gcm-192", 24, "AES", "AES/GCM/NoPadding", "AES-GCM with 16 octet ICV [RFC4106]"),
    /** RFC 4106 with a 256-bit key. */
    AES_GCM_256("aes-gcm-256", 32, "AES", "AES/GCM/NoPadding", "AES-GCM with 16 octet ICV [RFC4106]"),
    /** RFC 7634; Wireshark knows it from 4.2 on under this name, 4.0 cannot decrypt it. */
    CHACHA20_POLY1305("chacha20-poly1305", 32, "ChaCha20", "ChaCha20-Poly1305",
            "ChaCha20 with Poly1305 [RFC7634]");

    /** RFC 4106 §4 and RFC 7634 §2: the salt is the last 4 octets of the key material. */
    public static final int SALT_LENGTH = 4;
    /** RFC 4106 §4 and RFC 7634 §2: nonce = salt (4) || explicit IV (8). */
    public static final int NONCE_LENGTH = 12;
    /** RFC 4106 §6, RFC 7634 §2: 16-octet ICV. */
    public static final int ICV_LENGTH = 16;

    private final String configName;
    private final int keyLength;
    private final String jceKeyAlgorithm;
    private final String jceTransformation;
    private final String wiresharkName;

    AeadAlgorithm(String configName, int keyLength, String jceKeyAlgorithm, String jceTransformation,
            String wiresharkName) {
        this.configName = configName;
        this.keyLength = keyLength;
        this.jceKeyAlgorithm = jceKeyAlgorithm;
        this.jceTransformation = jceTransformation;
        this.wiresharkName = wiresharkName;
    }

    /** The name used in configuration files, e.g. {@code aes-gcm-128}. */
    public String configName() {
        return configName;
    }

    /** Cipher key length in octets, without the salt. */
    public int keyLength() {
        return keyLength;
    }

    /** Key material length in octets: key and salt. */
    public int keymatLength() {
        return keyLength + SALT_LENGTH;
    }

    /**
     * @throws IllegalArgumentException when {@code keymat} is not key and salt of this algorithm
     *     (the message gives lengths only, never the octets)
     */
    void requireKeymatLength(byte[] keymat) {
        if (keymat.length != keymatLength()) {
            throw new IllegalArgumentException(configName + " needs " + keymatLength()
                    + " octets of key material (key and 4-octet salt), got " + keymat.length);
        }
    }

    String jceKeyAlgorithm() {
        return jceKeyAlgorithm;
    }

    String jceTransformation() {
        return jceTransformation;
    }

    /** The encryption algorithm as Wireshark's {@code esp_sa} table spells it. */
    public String wiresharkName() {
        return wiresharkName;
    }

    /**
     * Looks an algorithm up by its configuration name (case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static AeadAlgorithm fromConfigName(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (AeadAlgorithm algorithm : values()) {
            if (algorithm.configName.equals(wanted)) {
                return algorithm;
            }
        }
        StringBuilder known = new StringBuilder();
        for (AeadAlgorithm algorithm : values()) {
            known.append(known.length() == 0 ? "" : ", ").append(algorithm.configName);
        }
        throw new IllegalArgumentException("unknown algorithm '" + name + "'; expected one of " + known);
    }
}
