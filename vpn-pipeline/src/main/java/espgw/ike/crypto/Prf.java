package espgw.ike.crypto;

import espgw.ike.message.Transform;
import java.security.GeneralSecurityException;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pseudorandom functions of RFC 4868 §2.1 (HMAC-SHA-256/384/512, full-length output) and
 * prf+ of RFC 7296 §2.13. Stateless: each call makes its own {@link Mac}, fine off the hot path.
 */
public enum Prf {
    PRF_HMAC_SHA2_256(Transform.PRF_HMAC_SHA2_256, "HmacSHA256", 32),
    PRF_HMAC_SHA2_384(Transform.PRF_HMAC_SHA2_384, "HmacSHA384", 48),
    PRF_HMAC_SHA2_512(Transform.PRF_HMAC_SHA2_512, "HmacSHA512", 64);

    /** §2.13: prf+ counts its blocks in one octet, so it yields at most 255 of them. */
    private static final int MAX_PRF_PLUS_BLOCKS = 255;

    private final int transformId;
    private final String jceName;
    private final int outputLength;

    Prf(int transformId, String jceName, int outputLength) {
        this.transformId = transformId;
        this.jceName = jceName;
        this.outputLength = outputLength;
    }

    public int transformId() {
        return transformId;
    }

    /** Output length in octets; RFC 4868 §2.1.2 also makes it the preferred key length (SK_d, SK_pi, SK_pr). */
    public int outputLength() {
        return outputLength;
    }

    public Transform transform() {
        return Transform.of(Transform.TYPE_PRF, transformId);
    }

    public static Optional<Prf> fromTransform(Transform transform) {
        for (Prf prf : values()) {
            if (transform.sameAs(prf.transform())) {
                return Optional.of(prf);
            }
        }
        return Optional.empty();
    }

    /** prf(key, data...) with the data concatenated. HMAC takes keys of any length (RFC 2104 §2). */
    public byte[] compute(byte[] key, byte[]... data) {
        try {
            Mac mac = Mac.getInstance(jceName);
            // SecretKeySpec refuses an empty key; HMAC pads keys with zeros, so one zero octet is the same key.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, jceName));
            for (byte[] part : data) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks " + jceName, e);
        }
    }

    /**
     * prf+(K, S) = T1 | T2 | T3 | ... with T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n)
     * (RFC 7296 §2.13), cut to {@code length} octets.
     */
    public byte[] plus(byte[] key, byte[] seed, int length) {
        int blocks = (length + outputLength - 1) / outputLength;
        if (blocks > MAX_PRF_PLUS_BLOCKS) {
            throw new IllegalArgumentException("prf+ yields at most " + MAX_PRF_PLUS_BLOCKS * outputLength
                    + " octets with " + this + ", " + length + " asked");
        }
        byte[] out = new byte[length];
        byte[] previous = new byte[0];
        for (int n = 1, offset = 0; offset < length; n++) {
            previous = compute(key, previous, seed, new byte[] {(byte) n});
            int take = Math.min(outputLength, length - offset);
            System.arraycopy(previous, 0, out, offset, take);
            offset += take;
        }
        return out;
    }
}
