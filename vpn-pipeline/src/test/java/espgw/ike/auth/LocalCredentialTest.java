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
                "gw.espgw.test".getBytes(), ours.certificates(), OCTETS, AuthPayload.DIGITAL_SIGNATURE, ours.sign(AuthPayload.DIGITAL_SIGNATURE, OCTETS), TestCa.NOW));
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
    void toStringNamesTheCertificateNotTheKey() throws Exception {
        EndEntity host = TestCa.create("espgw CA", SignatureAlgorithm.ED25519).issue("gw.espgw.test",
                SignatureAlgorithm.ED25519);
        String text = host.credential().toString();

        assertEquals("LocalCredential[CN=gw.espgw.test, ED25519]", text);
        String keyBase64 = Base64.getEncoder().encodeToString(host.keys().getPrivate().getEncoded());
        assertFalse(text.contains(keyBase64.substring(keyBase64.length() - 20)));
    }
}
