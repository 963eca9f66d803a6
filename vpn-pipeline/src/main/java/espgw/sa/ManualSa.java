package espgw.sa;

import espgw.crypto.Aead;
import espgw.crypto.AeadAlgorithm;
import espgw.crypto.AeadBackend;
import espgw.wire.EspHeader;

/**
 * A manually keyed SA as an operator writes it, validated on construction with messages that say
 * what is wrong and never repeat key material. The key is given like {@code ip xfrm state}'s
 * {@code rfc4106(gcm(aes)) 0x...}: cipher key followed by the 4-octet salt, in hex.
 */
public final class ManualSa {
    private final int spi;
    private final AeadAlgorithm algorithm;
    private final byte[] keymat;
    private final boolean esn;
    private final int replayWindow;

    private ManualSa(int spi, AeadAlgorithm algorithm, byte[] keymat, boolean esn, int replayWindow) {
        this.spi = spi;
        this.algorithm = algorithm;
        this.keymat = keymat;
        this.esn = esn;
        this.replayWindow = replayWindow;
    }

    /**
     * @param spiHex SPI in hex, with or without {@code 0x}
     * @param algorithm {@code aes-gcm-128}, {@code aes-gcm-192}, {@code aes-gcm-256} or
     *     {@code chacha20-poly1305}
     * @param keyHex key material (key and salt) in hex, with or without {@code 0x}
     * @param replayWindow anti-replay window in packets, a multiple of 64
     * @throws IllegalArgumentException naming the field and the problem
     */
    public static ManualSa of(String spiHex, String algorithm, String keyHex, boolean esn, int replayWindow) {
        int spi = parseSpi(spiHex);
        AeadAlgorithm parsed = AeadAlgorithm.fromConfigName(algorithm);
        byte[] keymat = parseKey(keyHex, parsed);
        if (replayWindow < ReplayWindow.MIN_SIZE || replayWindow > ReplayWindow.MAX_SIZE
                || replayWindow % Long.SIZE != 0) {
            throw new IllegalArgumentException("replay window: must be a multiple of 64 between "
                    + ReplayWindow.MIN_SIZE + " and " + ReplayWindow.MAX_SIZE + ", got " + replayWindow);
        }
        return new ManualSa(spi, parsed, keymat, esn, replayWindow);
    }

    public int spi() {
        return spi;
    }

    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    public boolean esn() {
        return esn;
    }

    public int replayWindow() {
        return replayWindow;
    }

    /** A copy of the key material, for the key log only. */
    public byte[] keymat() {
        return keymat.clone();
    }

    /** A fresh cipher for one SA (each direction and event loop needs its own). */
    public Aead newAead() {
        return AeadBackend.chosen().create(algorithm, keymat);
    }

    /** A builder for an SA with this SPI, key, ESN flag and window. */
    public SecurityAssociation.Builder toBuilder(Direction direction) {
        return SecurityAssociation.builder(spi, direction, newAead()).esn(esn).replayWindow(replayWindow);
    }

    @Override
    public String toString() {
        return String.format("ManualSa[spi=0x%08x %s%s window=%d key=<redacted>]",
                spi, algorithm.configName(), esn ? " esn" : "", replayWindow);
    }

    private static int parseSpi(String text) {
        String digits = stripPrefix(text, "spi");
        if (digits.isEmpty() || digits.length() > 8) {
            throw new IllegalArgumentException("spi: expected 1 to 8 hex digits, got '" + text + "'");
        }
        long value;
        try {
            value = Long.parseLong(digits, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("spi: '" + text + "' is not hexadecimal");
        }
        if (value == EspHeader.SPI_RESERVED_LOCAL) {
            throw new IllegalArgumentException("spi: 0 is reserved for local use and never sent (RFC 4303 §2.1)");
        }
        if (value <= EspHeader.SPI_RESERVED_IANA_MAX) {
            throw new IllegalArgumentException("spi: " + text + " is in the range 1-255 reserved by IANA"
                    + " (RFC 4303 §2.1); use 0x100 or above");
        }
        return (int) value;
    }

    private static byte[] parseKey(String text, AeadAlgorithm algorithm) {
        String digits = stripPrefix(text, "key");
        int wanted = algorithm.keymatLength() * 2;
        if (digits.length() != wanted) {
            throw new IllegalArgumentException("key: " + algorithm.configName() + " needs " + wanted
                    + " hex digits (" + algorithm.keyLength() + "-octet key followed by a 4-octet salt), got "
                    + digits.length());
        }
        byte[] key = new byte[wanted / 2];
        for (int i = 0; i < wanted; i += 2) {
            int high = Character.digit(digits.charAt(i), 16);
            int low = Character.digit(digits.charAt(i + 1), 16);
            if (high < 0 || low < 0) {
                // Say where, not what: the rest of the string is a secret.
                throw new IllegalArgumentException("key: character " + (high < 0 ? i + 1 : i + 2)
                        + " (after any 0x) is not a hex digit");
            }
            key[i / 2] = (byte) (high << 4 | low);
        }
        return key;
    }

    private static String stripPrefix(String text, String field) {
        if (text == null) {
            throw new IllegalArgumentException(field + ": missing");
        }
        String trimmed = text.trim();
        return trimmed.startsWith("0x") || trimmed.startsWith("0X") ? trimmed.substring(2) : trimmed;
    }
}
