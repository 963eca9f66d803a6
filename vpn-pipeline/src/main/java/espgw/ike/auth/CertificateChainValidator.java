package espgw.ike.auth;

import espgw.ike.auth.AuthenticationException.Reason;
import java.io.ByteArrayInputStream;
import java.security.InvalidAlgorithmParameterException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertPathValidatorException.BasicReason;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Validates a peer's certificate chain against the one CA espgw is configured to trust, with the
 * JDK's PKIX validator (RFC 5280 §6: signatures, validity periods, basicConstraints and keyUsage of
 * issuers, critical extensions). No revocation checking: a local CA revokes by re-issuing.
 */
public final class CertificateChainValidator {
    /** RFC 5280 §4.2.1.3: keyUsage bit 5. */
    private static final int KEY_CERT_SIGN = 5;
    /** Longer chains than this are not something a local CA builds. */
    private static final int MAX_INTERMEDIATES = 4;

    private final X509Certificate ca;

    /** @param ca the trusted CA certificate: it must be a CA (basicConstraints cA, keyCertSign if keyUsage). */
    public CertificateChainValidator(X509Certificate ca) throws CredentialException {
        boolean[] keyUsage = ca.getKeyUsage();
        if (ca.getBasicConstraints() < 0 || keyUsage != null && !keyUsage[KEY_CERT_SIGN]) {
            throw new CredentialException("the certificate of " + ca.getSubjectX500Principal().getName()
                    + " is not a CA certificate (basicConstraints cA and keyUsage keyCertSign)");
        }
        this.ca = ca;
    }

    public X509Certificate ca() {
        return ca;
    }

    /**
     * RFC 7296 §3.7: the Certification Authority entry of our CERTREQ, the SHA-1 hash of the CA's
     * SubjectPublicKeyInfo.
     */
    public byte[] certificateAuthorityHash() {
        try {
            return MessageDigest.getInstance("SHA-1").digest(ca.getPublicKey().getEncoded());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /**
     * Parses the DER certificates of the peer's CERT payloads (end-entity first, then any
     * intermediates) and validates them at {@code now}.
     *
     * @return the end-entity certificate, whose key signs the peer's AUTH payload
     */
    public X509Certificate validate(List<byte[]> derCertificates, Instant now) throws AuthenticationException {
        if (derCertificates.isEmpty()) {
            throw new AuthenticationException(Reason.MALFORMED_CERTIFICATE, "the peer sent no certificate");
        }
        if (derCertificates.size() > 1 + MAX_INTERMEDIATES) {
            throw new AuthenticationException(Reason.UNTRUSTED_CERTIFICATE,
                    derCertificates.size() + " certificates; at most " + MAX_INTERMEDIATES + " intermediates");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        for (byte[] der : derCertificates) {
            certificates.add(parse(der));
        }
        validateChain(certificates, now);
        return certificates.get(0);
    }

    /** Validates {@code certificates} (end-entity first, then intermediates in any order) at {@code now}. */
    public void validateChain(List<X509Certificate> certificates, Instant now) throws AuthenticationException {
        try {
            ca.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new AuthenticationException(Reason.CERTIFICATE_EXPIRED, "the CA certificate "
                    + name(ca) + " expired on " + ca.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new AuthenticationException(Reason.CERTIFICATE_NOT_YET_VALID, "the CA certificate "
                    + name(ca) + " is valid only from " + ca.getNotBefore().toInstant());
        }
        List<X509Certificate> path = pathToCa(certificates);
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
        } catch (CertPathValidatorException e) {
            throw failure(e, path, now);
        } catch (CertificateException | InvalidAlgorithmParameterException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has a PKIX validator", e);
        }
    }

    /**
     * The end-entity certificate followed by the intermediates in issuing order, as far as they
     * chain by name; the validator then tells whether the last one was issued by our CA.
     */
    private static List<X509Certificate> pathToCa(List<X509Certificate> certificates) {
        List<X509Certificate> path = new ArrayList<>(List.of(certificates.get(0)));
        List<X509Certificate> unused = new ArrayList<>(certificates.subList(1, certificates.size()));
        for (boolean extended = true; extended; ) {
            extended = false;
            X509Certificate last = path.get(path.size() - 1);
            for (X509Certificate candidate : unused) {
                if (candidate.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
                    path.add(candidate);
                    unused.remove(candidate);
                    extended = true;
                    break;
                }
            }
        }
        return path;
    }

    private static AuthenticationException failure(CertPathValidatorException e, List<X509Certificate> path, Instant now) {
        int index = e.getIndex();
        String which = index >= 0 && index < path.size() ? "certificate " + name(path.get(index)) : "certificate chain";
        CertPathValidatorException.Reason reason = e.getReason();
        if (reason == BasicReason.EXPIRED) {
            return new AuthenticationException(Reason.CERTIFICATE_EXPIRED, which + " expired on "
                    + path.get(index).getNotAfter().toInstant() + " (now " + now + ")");
        }
        if (reason == BasicReason.NOT_YET_VALID) {
            return new AuthenticationException(Reason.CERTIFICATE_NOT_YET_VALID, which + " is valid only from "
                    + path.get(index).getNotBefore().toInstant() + " (now " + now + ")");
        }
        if (reason == BasicReason.INVALID_SIGNATURE) {
            return new AuthenticationException(Reason.BAD_CERTIFICATE_SIGNATURE, which
                    + " does not verify with its issuer's key");
        }
        if (reason == PKIXReason.NOT_CA_CERT || reason == PKIXReason.INVALID_KEY_USAGE) {
            // PKIX checks keyUsage of issuers only: keyCertSign missing is the same verdict
            return new AuthenticationException(Reason.ISSUER_NOT_A_CA, which
                    + " issues certificates but is not a CA (basicConstraints cA, keyUsage keyCertSign)");
        }
        if (reason == PKIXReason.NO_TRUST_ANCHOR) {
            return new AuthenticationException(Reason.UNTRUSTED_CERTIFICATE, which
                    + " is not issued by the configured CA");
        }
        return new AuthenticationException(Reason.UNTRUSTED_CERTIFICATE, which + " rejected: " + e.getMessage());
    }

    private static X509Certificate parse(byte[] der) throws AuthenticationException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new AuthenticationException(Reason.MALFORMED_CERTIFICATE, "a CERT payload is not an X.509 certificate");
        } catch (RuntimeException e) {
            // the JDK's DER parser has thrown unchecked exceptions on hostile input before
            throw new AuthenticationException(Reason.MALFORMED_CERTIFICATE, "a CERT payload is not an X.509 certificate");
        }
    }

    private static String name(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().getName();
    }
}
