package espgw.ike.auth;

import espgw.ike.message.AuthPayload;
import espgw.ike.message.IdPayload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.testing.Pki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Key and certificate PEM as espgw, strongSwan's pki and OpenSSL write it; and what is refused, without echoing it. */
class PemTest {
    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void keysRoundTrip(SignatureAlgorithm algorithm) throws Exception {
        KeyPair keys = Keys.generate(algorithm);

        String privatePem = Pem.privateKey(keys.getPrivate());
        String publicPem = Pem.publicKey(keys.getPublic());

        assertTrue(privatePem.startsWith("-----BEGIN PRIVATE KEY-----\n"), privatePem);
        assertTrue(publicPem.startsWith("-----BEGIN PUBLIC KEY-----\n"), publicPem);
        PrivateKey read = Pem.readPrivateKey(privatePem);
        assertArrayEquals(keys.getPrivate().getEncoded(), read.getEncoded());
        assertArrayEquals(keys.getPublic().getEncoded(), Pem.readPublicKey(publicPem).getEncoded());
        assertArrayEquals(keys.getPublic().getEncoded(), Keys.publicKeyOf(read).getEncoded(), "derived public key");
    }

    @Test
    void certificatesRoundTripInOrder() throws Exception {
        TestCa ca = TestCa.create("espgw CA", SignatureAlgorithm.ED25519);
        X509Certificate host = ca.issue("gw.espgw.test", SignatureAlgorithm.ECDSA_P256_SHA256).certificate();

        assertEquals(List.of(host, ca.certificate()),
                Pem.readCertificates(Pem.certificate(host) + Pem.certificate(ca.certificate())));
    }

    @ParameterizedTest
    @EnumSource(Pki.KeyType.class)
    void strongSwanPkiOutputLoadsAndValidates(Pki.KeyType type, @TempDir Path dir) throws Exception {
        Pki.requireInstalled();
        Pki.Credential caFiles = Pki.ca(dir, "pki CA", type);
        Pki.Credential hostFiles = Pki.endEntity(dir, "gw.espgw.test", type, caFiles);
        if (type == Pki.KeyType.ECDSA_P256) {
            // pki writes EC keys in SEC 1 form (RFC 5915), not PKCS#8
            assertTrue(Files.readString(hostFiles.privateKey()).startsWith("-----BEGIN EC PRIVATE KEY-----"));
        }

        LocalCredential host = LocalCredential.load(hostFiles.privateKey(), hostFiles.certificate());
        CertificateChainValidator validator = new CertificateChainValidator(
                Pem.readCertificates(Files.readString(caFiles.certificate())).get(0));
        byte[] octets = "signed octets".getBytes();

        assertEquals(type == Pki.KeyType.ED25519 ? SignatureAlgorithm.ED25519 : SignatureAlgorithm.ECDSA_P256_SHA256,
                host.algorithm());
        assertEquals(host.certificate(), new PeerAuthenticator(validator).authenticate(IdPayload.ID_FQDN,
                "gw.espgw.test".getBytes(), host.certificates(), octets, AuthPayload.DIGITAL_SIGNATURE,
                host.sign(AuthPayload.DIGITAL_SIGNATURE, octets), Instant.now()));
        // and pki's CA key signs certificates for us
        PrivateKey caKey = Pem.readPrivateKey(Files.readString(caFiles.privateKey()));
        KeyPair other = Keys.generate(SignatureAlgorithm.ED25519);
        X509Certificate ours = CertificateIssuer.issue(caKey, validator.ca(), other.getPublic(),
                IkeIdentity.parse("other.espgw.test"), Instant.now(), TestCa.YEAR);
        assertEquals(ours, validator.validate(List.of(ours.getEncoded()), Instant.now()));
    }

    @Test
    void garbageIsRefusedWithoutQuotingIt() {
        String secret = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
        for (String pem : new String[] {
            "", secret,
            "-----BEGIN PRIVATE KEY-----\n" + secret + "\n-----END PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\n" + secret + "!!\n-----END PRIVATE KEY-----\n",
            "-----BEGIN SECRET THING-----\n" + secret + "\n-----END SECRET THING-----\n"}) {
            CredentialException e = assertThrows(CredentialException.class, () -> Pem.readPrivateKey(pem));
            assertFalse(e.getMessage().contains(secret.substring(0, 12)), e.getMessage());
            assertEquals(null, e.getCause());
        }
    }

    @Test
    void theWrongKindOfObjectIsNamed() throws Exception {
        KeyPair keys = Keys.generate(SignatureAlgorithm.ED25519);
        String twoKeys = Pem.privateKey(keys.getPrivate()) + Pem.privateKey(keys.getPrivate());

        assertMessage("not a private key but a public key", () -> Pem.readPrivateKey(Pem.publicKey(keys.getPublic())));
        assertMessage("not a public key but a private key", () -> Pem.readPublicKey(Pem.privateKey(keys.getPrivate())));
        assertMessage("not a certificate but a private key", () -> Pem.readCertificates(Pem.privateKey(keys.getPrivate())));
        assertMessage("more than one PEM object", () -> Pem.readPrivateKey(twoKeys));
        assertMessage("no PEM certificate", () -> Pem.readCertificates(""));
    }

    @Test
    void encryptedAndRsaKeysAreRefused() throws Exception {
        assertMessage("an encrypted private key", () -> Pem.readPrivateKey("""
                -----BEGIN ENCRYPTED PRIVATE KEY-----
                MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAj5Hd4hZTvjawICCAAw
                DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEE5/l0JN/3NTK1DLUT8sWZsEQE9N
                PEIc4VzNuL6RJdOXBcrQhdCFPf6AZpq8w0K4RcUk5yPDUaMxt9ElGpLzjKuG9n/3
                3kMbtmkdDT+HOLPAkI4=
                -----END ENCRYPTED PRIVATE KEY-----
                """));
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        String rsaPem = Pem.privateKey(rsa.generateKeyPair().getPrivate());
        assertMessage("IKE authentication needs Ed25519 or ECDSA P-256", () -> Pem.readPrivateKey(rsaPem));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable executable) {
        CredentialException e = assertThrows(CredentialException.class, executable);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
