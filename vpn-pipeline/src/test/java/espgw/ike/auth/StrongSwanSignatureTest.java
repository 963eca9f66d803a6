package espgw.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import espgw.ike.auth.AuthenticationException.Reason;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Ed25519 IKE_AUTH exchange recorded between two strongSwan 5.9.8 charons: each side's CERT,
 * ID and AUTH payloads authenticate with our code against the pki-made CA, and since PureEdDSA is
 * deterministic, our signature over the same octets with the same key is charon's, octet for octet.
 */
class StrongSwanSignatureTest {
    /** Inside the fixture certificates' validity (2026-11-26 to 2036-11-23), fixed so the test never expires. */
    private static final Instant NOW = Instant.parse("2027-06-01T00:00:00Z");

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void charonsAuthPayloadAuthenticates(boolean initiator) throws Exception {
        RecordedIkeAuth recorded = RecordedIkeAuth.of(initiator);
        assertEquals(DigitalSignatureAuthentication.DIGITAL_SIGNATURE, recorded.authMethod);
        PeerAuthenticator authenticator = new PeerAuthenticator(new CertificateChainValidator(
                Pem.readCertificates(RecordedIkeAuth.text("ca-cert.pem")).get(0)));

        X509Certificate peer = authenticator.authenticate(recorded.idType, recorded.idData, recorded.certificates,
                recorded.signedOctets, recorded.authData, NOW);

        String id = initiator ? "initiator.espgw.test" : "responder.espgw.test";
        assertEquals("CN=" + id, peer.getSubjectX500Principal().getName());
        assertArrayEquals(Pem.readCertificates(RecordedIkeAuth.text((initiator ? "initiator" : "responder")
                + "-cert.pem")).get(0).getEncoded(), peer.getEncoded(), "the CERT payload is the fixture's PEM");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void ourEd25519AuthDataIsCharons(boolean initiator) throws Exception {
        RecordedIkeAuth recorded = RecordedIkeAuth.of(initiator);
        PrivateKey key = Pem.readPrivateKey(RecordedIkeAuth.text((initiator ? "initiator" : "responder") + "-key.pem"));
        LocalCredential credential = new LocalCredential(key,
                Pem.readCertificates(RecordedIkeAuth.text((initiator ? "initiator" : "responder") + "-cert.pem")));

        assertArrayEquals(recorded.authData, credential.sign(recorded.signedOctets));
        assertArrayEquals(recorded.certificates.get(0), credential.certificates().get(0));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void charonsSignatureOverOtherOctetsFails(boolean initiator) throws Exception {
        RecordedIkeAuth recorded = RecordedIkeAuth.of(initiator);
        PeerAuthenticator authenticator = new PeerAuthenticator(new CertificateChainValidator(
                Pem.readCertificates(RecordedIkeAuth.text("ca-cert.pem")).get(0)));
        byte[] otherOctets = Arrays.copyOf(recorded.signedOctets, recorded.signedOctets.length);
        otherOctets[otherOctets.length - 1] ^= 1;

        AuthenticationException e = assertThrows(AuthenticationException.class, () -> authenticator.authenticate(
                recorded.idType, recorded.idData, recorded.certificates, otherOctets, recorded.authData, NOW));
        assertEquals(Reason.BAD_SIGNATURE, e.reason());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theOtherSidesIdentityIsAMismatch(boolean initiator) throws Exception {
        RecordedIkeAuth recorded = RecordedIkeAuth.of(initiator);
        RecordedIkeAuth other = RecordedIkeAuth.of(!initiator);
        PeerAuthenticator authenticator = new PeerAuthenticator(new CertificateChainValidator(
                Pem.readCertificates(RecordedIkeAuth.text("ca-cert.pem")).get(0)));

        AuthenticationException e = assertThrows(AuthenticationException.class, () -> authenticator.authenticate(
                other.idType, other.idData, recorded.certificates, recorded.signedOctets, recorded.authData, NOW));
        assertEquals(Reason.IDENTITY_MISMATCH, e.reason());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void afterTheFixturesExpireTheyFail(boolean initiator) throws Exception {
        RecordedIkeAuth recorded = RecordedIkeAuth.of(initiator);
        PeerAuthenticator authenticator = new PeerAuthenticator(new CertificateChainValidator(
                Pem.readCertificates(RecordedIkeAuth.text("ca-cert.pem")).get(0)));

        AuthenticationException e = assertThrows(AuthenticationException.class, () -> authenticator.authenticate(
                recorded.idType, recorded.idData, recorded.certificates, recorded.signedOctets, recorded.authData,
                Instant.parse("2037-01-01T00:00:00Z")));
        assertEquals(Reason.CERTIFICATE_EXPIRED, e.reason());
    }
}
