package espgw.ike.auth;

/**
 * The peer could not be authenticated: the IKE exchange answers with AUTHENTICATION_FAILED (RFC 7296
 * §2.21.2) whatever the {@link Reason}, which is for the log. Messages name certificates by subject
 * and algorithms by name; they never contain key material or signatures.
 */
public final class AuthenticationException extends Exception {
    /** Why authentication failed, one value per check. */
    public enum Reason {
        /** The AUTH payload's method is not a signature method espgw verifies (14, 9). */
        UNSUPPORTED_AUTH_METHOD,
        /**
         * The Authentication Data is too short or its AlgorithmIdentifier length is wrong; a method 9
         * signature is not 64 octets.
         */
        MALFORMED_AUTH_DATA,
        /** The AlgorithmIdentifier is not one we accept (RFC 7427 §3). */
        UNSUPPORTED_SIGNATURE_ALGORITHM,
        /**
         * The AlgorithmIdentifier or Auth Method does not fit the certificate's key (e.g. Ed25519
         * named, P-256 key; method 9 from an Ed25519 key).
         */
        ALGORITHM_KEY_MISMATCH,
        /** The signature does not verify with the certificate's key. */
        BAD_SIGNATURE,
        /** The peer sent no certificate, or one that does not parse as X.509. */
        MALFORMED_CERTIFICATE,
        /** The certificate chain does not lead to the configured CA. */
        UNTRUSTED_CERTIFICATE,
        /** A certificate in the chain is signed by a key that is not its issuer's. */
        BAD_CERTIFICATE_SIGNATURE,
        /** A certificate in the chain is past its notAfter. */
        CERTIFICATE_EXPIRED,
        /** A certificate in the chain is before its notBefore. */
        CERTIFICATE_NOT_YET_VALID,
        /** An issuing certificate in the chain is not a CA (basicConstraints, RFC 5280 §4.2.1.9). */
        ISSUER_NOT_A_CA,
        /** The IKE identity is not in the certificate (subjectAltName or subject DN). */
        IDENTITY_MISMATCH
    }

    private final Reason reason;

    public AuthenticationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    @Override
    public String getMessage() {
        return reason + ": " + super.getMessage();
    }
}
