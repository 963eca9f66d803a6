package espgw.ike.auth;

import espgw.ike.message.AuthPayload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import espgw.ike.auth.AuthenticationException.Reason;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The IKE_AUTH exchanges recorded between two strongSwan 5.9.8 charons with Ed25519 and with ECDSA
 * P-256 certificates made by pki: each side's CERT, ID and AUTH payloads authenticate with our code
 * against the fixture CA, and what we sign with the fixture keys is what charon signed (the same
 * octets for deterministic Ed25519, a signature that verifies for ECDSA).
 */
class StrongSwanSignatureTest {
    /** Inside the fixture certificates' validity (2026-11-26 to 2036-11-23), fixed so the test never expires. */
    private static final Instant NOW = Instant.parse("2027-06-01T00:00:00Z");

    static Stream<Arguments> sides() {
        return Stream.of(RecordedIkeAuth.ED25519, RecordedIkeAuth.ECDSA)
                .flatMap(fixture -> Stream.of(Arguments.of(fixture, true), Arguments.of(fixture, false)));
    }

    @ParameterizedTest
    @MethodSource("sides")
    void charonsAuthPayloadAuthenticates(String fixture, boolean initiator) throws Exception {
        RecordedIkeAuth recorded = RecordedIkeAuth.of(fixture, initiator);
        assertEquals(AuthPayload.DIGITAL_SIGNATURE, recorded.authMethod);

        X509Certificate peer = authenticator(recorded).authenticate(recorded.idType, recorded.idData,
                recorded.certificates, recorded.signedOctets, recorded.authMethod, recorded.authData, NOW);

        assertEquals("CN=" + recorded.id(), peer.getSubjectX500Principal().getName());
        assertArrayEquals(Pem.readCertificates(recorded.pem("cert")).get(0).getEncoded(), peer.getEncoded(),
                "the CERT payload is the fixture's PEM");
    }

    @ParameterizedTest
    @MethodSource("sides")
    void whatWeSignWithTheFixtureKeyCharonAccepts(String fixture, boolean initiator) throws Exception {
        RecordedIkeAuth recorded = RecordedIkeAuth.of(fixture, initiator);
        LocalCredential credential = new LocalCredential(Pem.readPrivateKey(recorded.pem("key")),
                Pem.readCertificates(recorded.pem("cert")));

        byte[] ours = credential.sign(AuthPayload.DIGITAL_SIGNATURE, recorded.signedOctets);

        int algorithmIdentifierEnd = 1 + recorded.authData[0];
        assertArrayEquals(Arrays.copyOf(recorded.authData, algorithmIdentifierEnd), Arrays.copyOf(ours,
                algorithmIdentifierEnd), "charon's ASN.1 length and AlgorithmIdentifier");
        authenticator(recorded).authenticate(recorded.idType, recorded.idData, credential.certificates(),
                recorded.signedOctets, AuthPayload.DIGITAL_SIGNATURE, ours, NOW);
        assertArrayEquals(recorded.certificates.get(0), credential.certificates().get(0));
    }

    @Test
    void ourEd25519AuthDataIsCharonsOctetForOctet() throws Exception {
        for (boolean initiator : new boolean[] {true, false}) {
            RecordedIkeAuth recorded = RecordedIkeAuth.of(RecordedIkeAuth.ED25519, initiator);
            LocalCredential credential = new LocalCredential(Pem.readPrivateKey(recorded.pem("key")),
                    Pem.readCertificates(recorded.pem("cert")));

            assertArrayEquals(recorded.authData, credential.sign(AuthPayload.DIGITAL_SIGNATURE, recorded.signedOctets));
        }
    }

    @ParameterizedTest
    @MethodSource("sides")
    void charonsSignatureOverOtherOctetsFails(String fixture, boolean initiator) throws Exception {
        RecordedIkeAuth recorded = RecordedIkeAuth.of(fixture, initiator);
        byte[] otherOctets = recorded.signedOctets.clone();
        otherOctets[otherOctets.length - 1] ^= 1;

        assertFails(Reason.BAD_SIGNATURE, () -> authenticator(recorded).authenticate(recorded.idType, recorded.idData,
                recorded.certificates, otherOctets, recorded.authMethod, recorded.authData, NOW));
    }

    @ParameterizedTest
    @MethodSource("sides")
    void theOtherSidesIdentityIsAMismatch(String fixture, boolean initiator) throws Exception {
        RecordedIkeAuth recorded = RecordedIkeAuth.of(fixture, initiator);
        RecordedIkeAuth other = RecordedIkeAuth.of(fixture, !initiator);

        assertFails(Reason.IDENTITY_MISMATCH, () -> authenticator(recorded).authenticate(other.idType, other.idData,
                recorded.certificates, recorded.signedOctets, recorded.authMethod, recorded.authData, NOW));
    }

    @Test
    void theOtherFixturesCaIsUntrusted() throws Exception {
        RecordedIkeAuth ed25519 = RecordedIkeAuth.of(RecordedIkeAuth.ED25519, true);
        RecordedIkeAuth ecdsa = RecordedIkeAuth.of(RecordedIkeAuth.ECDSA, true);

        assertFails(Reason.UNTRUSTED_CERTIFICATE, () -> authenticator(ecdsa).authenticate(ed25519.idType,
                ed25519.idData, ed25519.certificates, ed25519.signedOctets, ed25519.authMethod, ed25519.authData,
                NOW));
    }

    @ParameterizedTest
    @MethodSource("sides")
    void afterTheFixturesExpireTheyFail(String fixture, boolean initiator) throws Exception {
        RecordedIkeAuth recorded = RecordedIkeAuth.of(fixture, initiator);

        assertFails(Reason.CERTIFICATE_EXPIRED, () -> authenticator(recorded).authenticate(recorded.idType,
                recorded.idData, recorded.certificates, recorded.signedOctets, recorded.authMethod, recorded.authData,
                Instant.parse("2037-01-01T00:00:00Z")));
    }

    private static PeerAuthenticator authenticator(RecordedIkeAuth recorded) throws Exception {
        return new PeerAuthenticator(new CertificateChainValidator(Pem.readCertificates(recorded.pem("ca-cert")).get(0)));
    }

    private static void assertFails(Reason reason, org.junit.jupiter.api.function.Executable authentication) {
        AuthenticationException e = assertThrows(AuthenticationException.class, authentication);
        assertEquals(reason, e.reason(), e::getMessage);
    }
}
