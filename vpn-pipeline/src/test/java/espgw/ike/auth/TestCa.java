package espgw.ike.auth;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A CA made in memory by {@link CertificateIssuer}, and the end entities it issues, for tests. */
record TestCa(KeyPair keys, X509Certificate certificate) {
    /** The time tests validate at: fixed, so nothing expires with the calendar. */
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final Duration YEAR = Duration.ofDays(365);

    static TestCa create(String name, SignatureAlgorithm algorithm) {
        KeyPair keys = Keys.generate(algorithm);
        return new TestCa(keys, CertificateIssuer.selfSignedCa(keys, name, NOW, YEAR));
    }

    EndEntity issue(String identity, SignatureAlgorithm algorithm) {
        return issue(identity, algorithm, NOW, YEAR);
    }

    EndEntity issue(String identity, SignatureAlgorithm algorithm, Instant notBefore, Duration validity) {
        KeyPair subject = Keys.generate(algorithm);
        return new EndEntity(subject, CertificateIssuer.issue(keys.getPrivate(), certificate, subject.getPublic(),
                IkeIdentity.parse(identity), notBefore, validity));
    }

    CertificateChainValidator validator() throws CredentialException {
        return new CertificateChainValidator(certificate);
    }

    record EndEntity(KeyPair keys, X509Certificate certificate) {
        LocalCredential credential() throws CredentialException {
            return new LocalCredential(keys.getPrivate(), List.of(certificate));
        }

        List<byte[]> der() throws Exception {
            return List.of(certificate.getEncoded());
        }
    }
}
