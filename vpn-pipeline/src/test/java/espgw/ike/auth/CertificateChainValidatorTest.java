package espgw.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.auth.AuthenticationException.Reason;
import espgw.ike.auth.TestCa.EndEntity;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The peer's chain against our CA: what passes, and one typed failure per broken rule. */
class CertificateChainValidatorTest {
    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void aCertificateOfOurCaValidates(SignatureAlgorithm caAlgorithm) throws Exception {
        TestCa ca = TestCa.create("espgw test CA", caAlgorithm);
        for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
            EndEntity host = ca.issue("host.espgw.test", algorithm);

            assertEquals(host.certificate(), ca.validator().validate(host.der(), TestCa.NOW));
        }
    }

    @Test
    void anotherCaIsUntrusted() throws Exception {
        TestCa ours = TestCa.create("our CA", SignatureAlgorithm.ED25519);
        EndEntity theirs = TestCa.create("their CA", SignatureAlgorithm.ED25519).issue("host.espgw.test",
                SignatureAlgorithm.ED25519);

        assertFails(Reason.UNTRUSTED_CERTIFICATE, ours, theirs.der());
    }

    @Test
    void anotherCaOfTheSameNameIsUntrusted() throws Exception {
        TestCa ours = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);
        EndEntity impostor = TestCa.create("espgw CA", SignatureAlgorithm.ED25519).issue("host.espgw.test",
                SignatureAlgorithm.ED25519);

        assertFails(Reason.UNTRUSTED_CERTIFICATE, ours, impostor.der());
    }

    @Test
    void aTamperedCertificateIsABadSignature() throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ECDSA_P256_SHA256);
        byte[] der = ca.issue("host.espgw.test", SignatureAlgorithm.ED25519).certificate().getEncoded();
        // the last octet of the ECDSA signature's s: still DER, no longer the CA's signature
        der[der.length - 1] ^= 1;

        assertFails(Reason.BAD_CERTIFICATE_SIGNATURE, ca, List.of(der));
    }

    @Test
    void expiredAndNotYetValidCertificatesFail() throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);
        EndEntity expired = ca.issue("host.espgw.test", SignatureAlgorithm.ED25519,
                TestCa.NOW.minus(TestCa.YEAR.multipliedBy(2)), TestCa.YEAR);
        EndEntity future = ca.issue("host.espgw.test", SignatureAlgorithm.ED25519, TestCa.NOW.plus(TestCa.YEAR.dividedBy(2)),
                TestCa.YEAR);

        assertFails(Reason.CERTIFICATE_EXPIRED, ca, expired.der());
        assertFails(Reason.CERTIFICATE_NOT_YET_VALID, ca, future.der());
    }

    @Test
    void anExpiredCaFailsEvenForAValidCertificate() throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);
        EndEntity host = ca.issue("host.espgw.test", SignatureAlgorithm.ED25519);

        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> ca.validator().validate(host.der(), TestCa.NOW.plus(TestCa.YEAR.multipliedBy(2))));
        assertEquals(Reason.CERTIFICATE_EXPIRED, e.reason());
        assertTrue(e.getMessage().contains("CA certificate"), e::getMessage);
    }

    @Test
    void anEndEntityCannotIssueCertificates() throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);
        EndEntity host = ca.issue("host.espgw.test", SignatureAlgorithm.ED25519);
        KeyPair forged = Keys.generate(SignatureAlgorithm.ED25519);
        X509Certificate issuedByHost = CertificateIssuer.issue(host.keys().getPrivate(), host.certificate(),
                forged.getPublic(), IkeIdentity.parse("victim.espgw.test"), TestCa.NOW, TestCa.YEAR);

        assertFails(Reason.ISSUER_NOT_A_CA, ca, List.of(issuedByHost.getEncoded(), host.certificate().getEncoded()));
    }

    @Test
    void anIssuerWithoutBasicConstraintsIsNotACa() throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);
        TestCa notACa = intermediate(ca, "no basicConstraints", false);
        EndEntity host = notACa.issue("host.espgw.test", SignatureAlgorithm.ED25519);

        assertFails(Reason.ISSUER_NOT_A_CA, ca, List.of(host.certificate().getEncoded(),
                notACa.certificate().getEncoded()));
    }

    @Test
    void intermediatesInAnyOrderLeadToTheCa() throws Exception {
        TestCa root = TestCa.create("espgw root", SignatureAlgorithm.ED25519);
        TestCa first = intermediate(root, "first intermediate", true);
        TestCa second = intermediate(first, "second intermediate", true);
        EndEntity host = second.issue("host.espgw.test", SignatureAlgorithm.ECDSA_P256_SHA256);
        byte[] hostDer = host.certificate().getEncoded();

        assertEquals(host.certificate(), root.validator().validate(List.of(hostDer, first.certificate().getEncoded(),
                second.certificate().getEncoded()), TestCa.NOW));
        assertFails(Reason.UNTRUSTED_CERTIFICATE, root, List.of(hostDer, second.certificate().getEncoded()));
    }

    @Test
    void garbageIsNoCertificate() throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);

        assertFails(Reason.MALFORMED_CERTIFICATE, ca, List.of());
        assertFails(Reason.MALFORMED_CERTIFICATE, ca, List.of(new byte[] {0x30, 0x03, 0x02, 0x01}));
        byte[] der = ca.issue("host.espgw.test", SignatureAlgorithm.ED25519).certificate().getEncoded();
        assertFails(Reason.MALFORMED_CERTIFICATE, ca, List.of(Arrays.copyOf(der, der.length - 10)));
    }

    @Test
    void anEndEntityCertificateIsNoTrustAnchor() throws Exception {
        EndEntity host = TestCa.create("espgw CA", SignatureAlgorithm.ED25519).issue("host.espgw.test",
                SignatureAlgorithm.ED25519);

        CredentialException e = assertThrows(CredentialException.class,
                () -> new CertificateChainValidator(host.certificate()));
        assertTrue(e.getMessage().contains("not a CA certificate"), e::getMessage);
    }

    @Test
    void certificateRequestNamesTheCaBySha1OfItsPublicKeyInfo() throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);
        byte[] hash = ca.validator().certificateAuthorityHash();

        assertEquals(20, hash.length);
        assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(ca.certificate().getPublicKey().getEncoded()), hash);
        assertFalse(Arrays.equals(hash,
                TestCa.create("espgw CA", SignatureAlgorithm.ED25519).validator().certificateAuthorityHash()));
    }

    /**
     * An intermediate certificate issued by {@code issuer}, with basicConstraints cA and keyUsage
     * keyCertSign or with neither: CertificateIssuer makes no such thing, so BouncyCastle directly.
     */
    private static TestCa intermediate(TestCa issuer, String name, boolean ca) throws Exception {
        KeyPair keys = Keys.generate(SignatureAlgorithm.ED25519);
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer.certificate(), BigInteger.TWO,
                Date.from(TestCa.NOW.minus(TestCa.YEAR)), Date.from(TestCa.NOW.plus(TestCa.YEAR)),
                IkeIdentity.commonName(name), keys.getPublic());
        if (ca) {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
        }
        X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder(SignatureAlgorithm.forKey(issuer.keys().getPrivate()).jcaName())
                        .build(issuer.keys().getPrivate())));
        return new TestCa(keys, certificate);
    }

    private static void assertFails(Reason reason, TestCa ca, List<byte[]> chain) {
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> ca.validator().validate(chain, TestCa.NOW));
        assertEquals(reason, e.reason(), e::getMessage);
    }
}
