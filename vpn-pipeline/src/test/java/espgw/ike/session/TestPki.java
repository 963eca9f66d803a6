package espgw.ike.session;

import espgw.ike.auth.CertificateChainValidator;
import espgw.ike.auth.CertificateIssuer;
import espgw.ike.auth.CredentialException;
import espgw.ike.auth.IkeIdentity;
import espgw.ike.auth.Keys;
import espgw.ike.auth.LocalCredential;
import espgw.ike.auth.PeerAuthenticator;
import espgw.ike.auth.SignatureAlgorithm;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/**
 * A CA made in memory with {@link CertificateIssuer} and the certificate authentication of the
 * ends of {@link IkePeers} under it, validated at a fixed time so nothing expires with the calendar.
 */
record TestPki(SignatureAlgorithm algorithm, KeyPair caKeys, X509Certificate ca) {
    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    static final Duration YEAR = Duration.ofDays(365);

    static TestPki create(String name, SignatureAlgorithm algorithm) {
        KeyPair keys = Keys.generate(algorithm);
        return new TestPki(algorithm, keys, CertificateIssuer.selfSignedCa(keys, name, NOW, YEAR));
    }

    /** A new key and a certificate for {@code identity}, valid for a year from {@code notBefore}. */
    LocalCredential credential(String identity, Instant notBefore) throws CredentialException {
        KeyPair subject = Keys.generate(algorithm);
        X509Certificate certificate = CertificateIssuer.issue(caKeys.getPrivate(), ca, subject.getPublic(),
                IkeIdentity.parse(identity), notBefore, YEAR);
        return new LocalCredential(subject.getPrivate(), List.of(certificate));
    }

    PeerAuthenticator authenticator() throws CredentialException {
        return new PeerAuthenticator(new CertificateChainValidator(ca));
    }

    /** We are {@code identity} with a certificate of this CA, and trust {@code peersCa} for the peer. */
    IkeAuthentication.Certificates authentication(String identity, TestPki peersCa) throws CredentialException {
        return new IkeAuthentication.Certificates(credential(identity, NOW), peersCa.authenticator(),
                InstantSource.fixed(NOW));
    }

    static IkeSessionConfig with(IkeSessionConfig base, IkeAuthentication authentication) {
        return new IkeSessionConfig(base.localId(), base.remoteId(), authentication, base.ike(), base.esp(),
                base.localTrafficSelectors(), base.remoteTrafficSelectors(), base.localAddress(), base.remoteAddress());
    }
}
