package espgw.ike.auth;

import espgw.ike.message.IdPayload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import espgw.ike.auth.AuthenticationException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/** IKE identities (RFC 7296 §3.5) as operators write them, and against certificates. */
class IkeIdentityTest {
    private static final TestCa CA = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);

    @Test
    void parsesTheFourKindsAsStrongSwanWritesThem() {
        assertEquals(new IkeIdentity(IdPayload.ID_IPV4_ADDR, new byte[] {(byte) 192, 0, 2, 1}),
                IkeIdentity.parse("192.0.2.1"));
        assertEquals(new IkeIdentity(IdPayload.ID_FQDN, ascii("gw.espgw.test")), IkeIdentity.parse("gw.espgw.test"));
        assertEquals(new IkeIdentity(IdPayload.ID_RFC822_ADDR, ascii("alice@espgw.test")),
                IkeIdentity.parse("alice@espgw.test"));
        IkeIdentity dn = IkeIdentity.parse("CN=gw, O=espgw");
        assertEquals(IdPayload.ID_DER_ASN1_DN, dn.idType());
        assertArrayEquals(new X500Principal("CN=gw,O=espgw").getEncoded(), dn.data());
        assertEquals("CN=gw,O=espgw", dn.toString());
    }

    @Test
    void refusesWhatIsNoIdentity() {
        for (String text : new String[] {"", "two words", "-leading.hyphen", "a..b", "@espgw.test", "under_score.test", "trailing.dot."}) {
            assertThrows(IllegalArgumentException.class, () -> IkeIdentity.parse(text), text);
        }
    }

    @Test
    void namesAndAddressesMatchTheSubjectAltName() throws Exception {
        for (String id : new String[] {"gw.espgw.test", "alice@espgw.test", "192.0.2.1"}) {
            X509Certificate certificate = CA.issue(id, SignatureAlgorithm.ED25519).certificate();
            IkeIdentity.parse(id).requireIn(certificate);
            assertEquals("CN=" + id, certificate.getSubjectX500Principal().getName());
        }
    }

    @Test
    void hostNamesCompareWithoutCaseMailboxesOnlyInTheirHostPart() throws Exception {
        IkeIdentity.ofPeer(IdPayload.ID_FQDN, ascii("GW.Espgw.TEST"))
                .requireIn(CA.issue("gw.espgw.test", SignatureAlgorithm.ED25519).certificate());
        X509Certificate alice = CA.issue("alice@espgw.test", SignatureAlgorithm.ED25519).certificate();
        IkeIdentity.ofPeer(IdPayload.ID_RFC822_ADDR, ascii("alice@ESPGW.test")).requireIn(alice);
        assertMismatch(IkeIdentity.parse("Alice@espgw.test"), alice);
    }

    @Test
    void aDistinguishedNameMatchesTheSubject() throws Exception {
        X509Certificate certificate = CA.issue("CN=gw, O=espgw", SignatureAlgorithm.ED25519).certificate();

        IkeIdentity.ofPeer(IdPayload.ID_DER_ASN1_DN, new X500Principal("CN=gw,O=espgw").getEncoded())
                .requireIn(certificate);
        assertMismatch(IkeIdentity.parse("CN=gw, O=other"), certificate);
    }

    @Test
    void otherIdentitiesDoNotMatch() throws Exception {
        X509Certificate certificate = CA.issue("gw.espgw.test", SignatureAlgorithm.ED25519).certificate();

        assertMismatch(IkeIdentity.parse("other.espgw.test"), certificate);
        assertMismatch(IkeIdentity.parse("gw.espgw.test.evil"), certificate);
        assertMismatch(IkeIdentity.parse("gw@espgw.test"), certificate);
        assertMismatch(IkeIdentity.parse("192.0.2.1"), CA.issue("192.0.2.2", SignatureAlgorithm.ED25519).certificate());
    }

    @Test
    void aNameOnlyInTheSubjectCommonNameIsNoMatch() throws Exception {
        // RFC 4945 §3.1.2: an FQDN ID must be a dNSName subjectAltName, the CN does not count
        X509Certificate subjectOnly = CA.issue("CN=gw.espgw.test", SignatureAlgorithm.ED25519).certificate();

        assertMismatch(IkeIdentity.parse("gw.espgw.test"), subjectOnly);
        IkeIdentity.parse("CN=gw.espgw.test").requireIn(subjectOnly);
    }

    @Test
    void peerIdsThatNoCertificateCanCarryAreMismatches() {
        // ID_IPV6_ADDR, ID_KEY_ID, and a DN that is not DER
        for (int idType : new int[] {5, 11}) {
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> IkeIdentity.ofPeer(idType, new byte[16]));
            assertEquals(Reason.IDENTITY_MISMATCH, e.reason());
        }
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> IkeIdentity.ofPeer(IdPayload.ID_DER_ASN1_DN, new byte[] {0x30, 0x7f}));
        assertEquals(Reason.IDENTITY_MISMATCH, e.reason());
        assertThrows(AuthenticationException.class, () -> IkeIdentity.ofPeer(IdPayload.ID_IPV4_ADDR, new byte[5]));
    }

    private static void assertMismatch(IkeIdentity identity, X509Certificate certificate) {
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> identity.requireIn(certificate));
        assertEquals(Reason.IDENTITY_MISMATCH, e.reason());
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
