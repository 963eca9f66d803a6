package espgw.ike.auth;

import espgw.ike.auth.AuthenticationException.Reason;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;

/**
 * Authentication Method 14, Digital Signature ({@link espgw.ike.message.AuthPayload#DIGITAL_SIGNATURE}, RFC 7427 §3). The Authentication Data is
 *
 * <pre>
 *  | ASN.1 Length  | AlgorithmIdentifier ASN.1 object                ~
 *  ~                         Signature Value                         ~
 * </pre>
 *
 * and the signature covers the signed octets of RFC 7296 §2.15, which the caller computes.
 */
public final class DigitalSignatureAuthentication {
    /** RFC 7427 §3: the one-octet length of the AlgorithmIdentifier in front of it. */
    private static final int ASN1_LENGTH_FIELD = 1;

    private DigitalSignatureAuthentication() {
    }

    /** The Authentication Data signing {@code signedOctets} with {@code key} (Ed25519 or P-256). */
    public static byte[] sign(PrivateKey key, byte[] signedOctets) {
        SignatureAlgorithm algorithm = SignatureAlgorithm.forKey(key);
        byte[] signature = JcaSignatures.sign(algorithm.jcaName(), key, signedOctets);
        byte[] algorithmIdentifier = algorithm.algorithmIdentifier();
        byte[] authData = new byte[ASN1_LENGTH_FIELD + algorithmIdentifier.length + signature.length];
        authData[0] = (byte) algorithmIdentifier.length;
        System.arraycopy(algorithmIdentifier, 0, authData, ASN1_LENGTH_FIELD, algorithmIdentifier.length);
        System.arraycopy(signature, 0, authData, ASN1_LENGTH_FIELD + algorithmIdentifier.length, signature.length);
        return authData;
    }

    /**
     * Checks that {@code authData} is a signature of {@code signedOctets} by {@code peerKey} with an
     * algorithm we accept that fits that key.
     */
    public static void verify(PublicKey peerKey, byte[] signedOctets, byte[] authData) throws AuthenticationException {
        if (authData.length < ASN1_LENGTH_FIELD) {
            throw new AuthenticationException(Reason.MALFORMED_AUTH_DATA, "empty Authentication Data");
        }
        int algorithmIdentifierLength = authData[0] & 0xff;
        int signatureAt = ASN1_LENGTH_FIELD + algorithmIdentifierLength;
        if (signatureAt >= authData.length) {
            throw new AuthenticationException(Reason.MALFORMED_AUTH_DATA, "AlgorithmIdentifier of "
                    + algorithmIdentifierLength + " octets in " + authData.length + " octets of Authentication Data");
        }
        SignatureAlgorithm algorithm = SignatureAlgorithm.forAlgorithmIdentifier(
                Arrays.copyOfRange(authData, ASN1_LENGTH_FIELD, signatureAt));
        if (algorithm == null) {
            throw new AuthenticationException(Reason.UNSUPPORTED_SIGNATURE_ALGORITHM,
                    "AlgorithmIdentifier is neither Ed25519 nor ecdsa-with-SHA256");
        }
        if (!algorithm.fits(peerKey)) {
            throw new AuthenticationException(Reason.ALGORITHM_KEY_MISMATCH,
                    algorithm + " signature from a " + SignatureAlgorithm.describe(peerKey) + " key");
        }
        if (!JcaSignatures.verifies(algorithm.jcaName(), peerKey, signedOctets, authData, signatureAt,
                authData.length - signatureAt)) {
            throw new AuthenticationException(Reason.BAD_SIGNATURE, algorithm + " signature does not verify");
        }
    }
}
