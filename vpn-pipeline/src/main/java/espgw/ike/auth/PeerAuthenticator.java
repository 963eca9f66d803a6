package espgw.ike.auth;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The peer's side of certificate authentication, in the order RFC 7296 §2.15 and RFC 4945 imply:
 * its certificate chain leads to our CA, its certificate is for the identity in its ID payload,
 * and its AUTH payload (method 14) is a signature of the signed octets by that certificate's key.
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
     * @param authData the Authentication Data of the peer's AUTH payload with method 14
     * @return the peer's validated certificate
     */
    public X509Certificate authenticate(int idType, byte[] idData, List<byte[]> certificates, byte[] signedOctets,
            byte[] authData, Instant now) throws AuthenticationException {
        IkeIdentity identity = IkeIdentity.ofPeer(idType, idData);
        X509Certificate certificate = validator.validate(certificates, now);
        identity.requireIn(certificate);
        DigitalSignatureAuthentication.verify(certificate.getPublicKey(), signedOctets, authData);
        return certificate;
    }
}
