package espgw.ike.auth;

import espgw.ike.message.AuthPayload;
import espgw.ike.message.IdPayload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.auth.AuthenticationException.Reason;
import espgw.ike.auth.SignatureHashAlgorithms.HashAlgorithm;
import espgw.ike.auth.TestCa.EndEntity;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our credential signs, the peer's authenticator accepts exactly that, and refuses each kind of wrong. */
class LocalCredentialTest {
    private static final byte[] OCTETS = "InitiatorSignedOctets".getBytes();

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void whatWeSignThePeerAuthenticates(SignatureAlgorithm algorithm) throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);
        LocalCredential ours = ca.issue("gw.espgw.test", algorithm).credential();

        assertEquals(ours.certificate(), new PeerAuthenticator(ca.validator()).authenticate(IdPayload.ID_FQDN,
                "gw.espgw.test".getBytes(), ours.certificates(), OCTETS, AuthPayload.DIGITAL_SIGNATURE,
                ours.sign(AuthPayload.DIGITAL_SIGNATURE, OCTETS), TestCa.NOW));
        assertEquals(algorithm, ours.algorithm());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedAtLoad() throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);
        EndEntity host = ca.issue("gw.espgw.test", SignatureAlgorithm.ED25519);
        EndEntity other = ca.issue("other.espgw.test", SignatureAlgorithm.ED25519);

        CredentialException e = assertThrows(CredentialException.class,
                () -> new LocalCredential(other.keys().getPrivate(), List.of(host.certificate())));
        assertTrue(e.getMessage().contains("is not for this private key"), e::getMessage);
    }

    @Test
    void aWrongKeyFailsAtThePeer() throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);
        EndEntity host = ca.issue("gw.espgw.test", SignatureAlgorithm.ED25519);
        EndEntity attacker = ca.issue("attacker.espgw.test", SignatureAlgorithm.ED25519);
        byte[] forged = attacker.credential().sign(AuthPayload.DIGITAL_SIGNATURE, OCTETS);

        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> new PeerAuthenticator(ca.validator()).authenticate(IdPayload.ID_FQDN, "gw.espgw.test".getBytes(),
                        host.der(), OCTETS, AuthPayload.DIGITAL_SIGNATURE, forged, TestCa.NOW));
        assertEquals(Reason.BAD_SIGNATURE, e.reason());
    }

    @Test
    void peerAcceptsFollowsItsHashAlgorithms() throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);
        LocalCredential ed25519 = ca.issue("gw.espgw.test", SignatureAlgorithm.ED25519).credential();

        assertTrue(ed25519.peerAccepts(EnumSet.of(HashAlgorithm.IDENTITY)));
        assertFalse(ed25519.peerAccepts(EnumSet.of(HashAlgorithm.SHA2_256, HashAlgorithm.SHA2_512)));
    }

    @Test
    void aP256KeySignsWithMethod14ForAPeerListingSha256AndWithMethod9OtherwiseEd25519HasNoSecondMethod()
            throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);
        LocalCredential p256 = ca.issue("gw.espgw.test", SignatureAlgorithm.ECDSA_P256_SHA256).credential();
        LocalCredential ed25519 = ca.issue("gw.espgw.test", SignatureAlgorithm.ED25519).credential();

        assertEquals(OptionalInt.of(AuthPayload.DIGITAL_SIGNATURE),
                p256.authMethodFor(Optional.of(EnumSet.of(HashAlgorithm.SHA2_256, HashAlgorithm.IDENTITY))));
        assertEquals(OptionalInt.of(AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE),
                p256.authMethodFor(Optional.empty()));
        assertEquals(OptionalInt.of(AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE),
                p256.authMethodFor(Optional.of(EnumSet.of(HashAlgorithm.IDENTITY))));
        assertEquals(OptionalInt.of(AuthPayload.DIGITAL_SIGNATURE),
                ed25519.authMethodFor(Optional.of(EnumSet.of(HashAlgorithm.IDENTITY))));
        assertEquals(OptionalInt.empty(), ed25519.authMethodFor(Optional.empty()));
        assertEquals(OptionalInt.empty(), ed25519.authMethodFor(Optional.of(EnumSet.of(HashAlgorithm.SHA2_256))));
    }

    @Test
    void whatWeSignWithMethod9ThePeerAuthenticates() throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ECDSA_P256_SHA256);
        LocalCredential ours = ca.issue("gw.espgw.test", SignatureAlgorithm.ECDSA_P256_SHA256).credential();

        byte[] authData = ours.sign(AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE, OCTETS);

        assertEquals(64, authData.length);
        assertEquals(ours.certificate(), new PeerAuthenticator(ca.validator()).authenticate(IdPayload.ID_FQDN,
                "gw.espgw.test".getBytes(), ours.certificates(), OCTETS,
                AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE, authData, TestCa.NOW));
        byte[] tampered = authData.clone();
        tampered[0] ^= 1;
        assertRefused(Reason.BAD_SIGNATURE, ca, ours.certificates(), AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE,
                tampered);
        assertThrows(IllegalArgumentException.class, () -> ca.issue("gw.espgw.test", SignatureAlgorithm.ED25519)
                .credential().sign(AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE, OCTETS));
    }

    @Test
    void method9WithAnEd25519CertificateIsAMismatch() throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);
        EndEntity ed25519 = ca.issue("gw.espgw.test", SignatureAlgorithm.ED25519);
        byte[] p256Signature = ca.issue("gw.espgw.test", SignatureAlgorithm.ECDSA_P256_SHA256).credential()
                .sign(AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE, OCTETS);

        AuthenticationException e = assertRefused(Reason.ALGORITHM_KEY_MISMATCH, ca, ed25519.der(),
                AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE, p256Signature);
        assertTrue(e.getMessage().contains("Auth Method 9") && e.getMessage().contains("Ed25519"), e::getMessage);
    }

    @Test
    void rsaAndOtherMethodsAreRefusedBeforeTheCertificate() throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);
        EndEntity host = ca.issue("gw.espgw.test", SignatureAlgorithm.ECDSA_P256_SHA256);
        byte[] authData = host.credential().sign(AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE, OCTETS);

        AuthenticationException rsa = assertRefused(Reason.UNSUPPORTED_AUTH_METHOD, ca, List.of(),
                AuthPayload.RSA_DIGITAL_SIGNATURE, authData);
        assertTrue(rsa.getMessage().contains("RSA keys are not supported"), rsa::getMessage);
        for (int method : new int[] {AuthPayload.SHARED_KEY_MESSAGE_INTEGRITY_CODE, AuthPayload.DSS_DIGITAL_SIGNATURE,
                10}) {
            AuthenticationException e = assertRefused(Reason.UNSUPPORTED_AUTH_METHOD, ca, host.der(), method, authData);
            assertTrue(e.getMessage().contains("Auth Method " + method), e::getMessage);
        }
    }

    @Test
    void toStringNamesTheCertificateNotTheKey() throws Exception {
        EndEntity host = TestCa.create("espgw CA", SignatureAlgorithm.ED25519).issue("gw.espgw.test",
                SignatureAlgorithm.ED25519);
        String text = host.credential().toString();

        assertEquals("LocalCredential[CN=gw.espgw.test, ED25519]", text);
        String keyBase64 = Base64.getEncoder().encodeToString(host.keys().getPrivate().getEncoded());
        assertFalse(text.contains(keyBase64.substring(keyBase64.length() - 20)));
    }

    private static AuthenticationException assertRefused(Reason reason, TestCa ca, List<byte[]> certificates,
            int authMethod, byte[] authData) {
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> new PeerAuthenticator(ca.validator()).authenticate(IdPayload.ID_FQDN, "gw.espgw.test".getBytes(),
                        certificates, OCTETS, authMethod, authData, TestCa.NOW));
        assertEquals(reason, e.reason(), e::getMessage);
        return e;
    }
}
