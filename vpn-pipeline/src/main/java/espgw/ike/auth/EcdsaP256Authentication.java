package espgw.ike.auth;

import espgw.ike.auth.AuthenticationException.Reason;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * Authentication Method 9, ECDSA with SHA-256 on the P-256 curve
 * ({@link espgw.ike.message.AuthPayload#ECDSA_WITH_SHA256_ON_THE_P256_CURVE}, RFC 4754): how a P-256
 * key signs for a peer that does not do RFC 7427, and verifies such a peer. Unlike method 14 the
 * Authentication Data names no algorithm (the method does) and is not DER: it is the signature of
 * the signed octets of RFC 7296 §2.15 as r||s, each a 32-octet big-endian integer (RFC 4754 §7).
 */
public final class EcdsaP256Authentication {
    /** RFC 4754 §7: r and s, each as long as the P-256 group order. */
    public static final int SIGNATURE_LENGTH = 64;
    /** IEEE P1363's fixed-length r||s, which is exactly RFC 4754 §7's encoding. */
    private static final String JCA_NAME = "SHA256withECDSAinP1363Format";
    private static final String METHOD = "Auth Method 9 (ECDSA with SHA-256 on P-256)";

    private EcdsaP256Authentication() {
    }

    /** The Authentication Data signing {@code signedOctets} with the P-256 {@code key}. */
    public static byte[] sign(PrivateKey key, byte[] signedOctets) {
        if (!SignatureAlgorithm.ECDSA_P256_SHA256.fits(key)) {
            throw new IllegalArgumentException(METHOD + " needs a P-256 key, not a " + SignatureAlgorithm.describe(key)
                    + " key");
        }
        return JcaSignatures.sign(JCA_NAME, key, signedOctets);
    }

    /** Checks that {@code authData} is r||s of a signature of {@code signedOctets} by the P-256 {@code peerKey}. */
    public static void verify(PublicKey peerKey, byte[] signedOctets, byte[] authData) throws AuthenticationException {
        if (!SignatureAlgorithm.ECDSA_P256_SHA256.fits(peerKey)) {
            throw new AuthenticationException(Reason.ALGORITHM_KEY_MISMATCH,
                    METHOD + ", but the certificate's key is " + SignatureAlgorithm.describe(peerKey));
        }
        if (authData.length != SIGNATURE_LENGTH) {
            throw new AuthenticationException(Reason.MALFORMED_AUTH_DATA, METHOD + " signature of " + authData.length
                    + " octets; RFC 4754 §7 has " + SIGNATURE_LENGTH + " (r||s)");
        }
        if (!JcaSignatures.verifies(JCA_NAME, peerKey, signedOctets, authData, 0, authData.length)) {
            throw new AuthenticationException(Reason.BAD_SIGNATURE, METHOD + " signature does not verify");
        }
    }
}
