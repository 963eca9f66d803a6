package espgw.ike.auth;

import espgw.ike.auth.AuthenticationException.Reason;
import espgw.ike.message.AuthPayload;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The peer's side of certificate authentication, in the order RFC 7296 §2.15 and RFC 4945 imply:
 * its certificate chain leads to our CA, its certificate is for the identity in its ID payload,
 * and its AUTH payload (method 14, RFC 7427, or method 9, RFC 4754) is a signature of the signed
 * octets by that certificate's key.
 * Any failure is an {@link AuthenticationException}: the exchange answers AUTHENTICATION_FAILED.
 */
public final class PeerAuthenticator {
    private final CertificateChainValidator validator;

    public PeerAuthenticator(CertificateChainValidator validator) {
        this.validator = validator;
    }

    /** RFC 7296 §3.7: what our CERTREQ names, the SHA-1 hash of our CA's SubjectPublicKeyInfo. */
    public byte[] certificateAuthorityHash() {
        return validator.certificateAuthorityHash();
    }

    /**
     * @param idType the ID Type of the peer's IDi/IDr payload
     * @param idData its Identification Data
     * @param certificates the data of the peer's CERT payloads with Cert Encoding 4, in order
     * @param signedOctets what the peer signed (§2.15), computed by the caller
     * @param authMethod the Auth Method of the peer's AUTH payload
     * @param authData its Authentication Data
     * @return the peer's validated certificate
     */
    public X509Certificate authenticate(int idType, byte[] idData, List<byte[]> certificates, byte[] signedOctets,
            int authMethod, byte[] authData, Instant now) throws AuthenticationException {
        SignatureCheck check = signatureCheck(authMethod);
        IkeIdentity identity = IkeIdentity.ofPeer(idType, idData);
        X509Certificate certificate = validator.validate(certificates, now);
        identity.requireIn(certificate);
        check.verify(certificate.getPublicKey(), signedOctets, authData);
        return certificate;
    }

    /** How an Auth Method's signature is verified with the key of the peer's certificate. */
    private interface SignatureCheck {
        void verify(PublicKey peerKey, byte[] signedOctets, byte[] authData) throws AuthenticationException;
    }

    /** Refuses a method we do not verify before any certificate work. */
    private static SignatureCheck signatureCheck(int authMethod) throws AuthenticationException {
        return switch (authMethod) {
            case AuthPayload.DIGITAL_SIGNATURE -> DigitalSignatureAuthentication::verify;
            case AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE -> EcdsaP256Authentication::verify;
            // espgw has no RSA credentials, so it trusts no RSA certificate either
            case AuthPayload.RSA_DIGITAL_SIGNATURE -> throw new AuthenticationException(Reason.UNSUPPORTED_AUTH_METHOD,
                    "Auth Method 1 (RSA Digital Signature): RSA keys are not supported");
            default -> throw new AuthenticationException(Reason.UNSUPPORTED_AUTH_METHOD, "Auth Method " + authMethod
                    + "; with certificates espgw verifies 14 (RFC 7427) and 9 (RFC 4754)");
        };
    }
}
