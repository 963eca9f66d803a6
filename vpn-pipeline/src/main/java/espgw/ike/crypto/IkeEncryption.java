package espgw.ike.crypto;

import espgw.crypto.AeadAlgorithm;
import espgw.ike.message.Transform;
import java.util.Optional;

/**
 * The AEAD encryption transforms espgw negotiates, for the IKE SA and for ESP alike: transform ID
 * and Key Length attribute on the wire, {@link AeadAlgorithm} inside. Key material is the cipher
 * key followed by a 4-octet salt in both uses: RFC 5282 §7.1 and RFC 4106 §8.1 for AES-GCM,
 * RFC 7634 §2.1 and §4 for ChaCha20-Poly1305.
 */
public enum IkeEncryption {
    /** RFC 5282 §8 / RFC 4106: ENCR_AES_GCM_16 with a 128-bit key. */
    AES_GCM_16_128(Transform.ENCR_AES_GCM_16, 128, AeadAlgorithm.AES_GCM_128),
    /** The same with a 256-bit key. */
    AES_GCM_16_256(Transform.ENCR_AES_GCM_16, 256, AeadAlgorithm.AES_GCM_256),
    /** RFC 7634: no Key Length attribute, the key is always 256 bits. */
    CHACHA20_POLY1305(Transform.ENCR_CHACHA20_POLY1305, 0, AeadAlgorithm.CHACHA20_POLY1305);

    private final int transformId;
    private final int keyLengthBits;
    private final AeadAlgorithm aead;

    IkeEncryption(int transformId, int keyLengthBits, AeadAlgorithm aead) {
        this.transformId = transformId;
        this.keyLengthBits = keyLengthBits;
        this.aead = aead;
    }

    public AeadAlgorithm aead() {
        return aead;
    }

    /** Octets of key material: the key and the 4-octet salt. */
    public int keymatLength() {
        return aead.keymatLength();
    }

    public Transform transform() {
        return keyLengthBits == 0 ? Transform.of(Transform.TYPE_ENCR, transformId)
                : Transform.withKeyLength(Transform.TYPE_ENCR, transformId, keyLengthBits);
    }

    public static Optional<IkeEncryption> fromTransform(Transform transform) {
        for (IkeEncryption encryption : values()) {
            if (transform.sameAs(encryption.transform())) {
                return Optional.of(encryption);
            }
        }
        return Optional.empty();
    }
}
