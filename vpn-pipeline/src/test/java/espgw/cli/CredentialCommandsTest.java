package espgw.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.auth.CertificateChainValidator;
import espgw.ike.auth.IkeIdentity;
import espgw.ike.auth.LocalCredential;
import espgw.ike.auth.Pem;
import espgw.ike.auth.PeerAuthenticator;
import espgw.ike.auth.SignatureAlgorithm;
import espgw.ike.message.AuthPayload;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code espgw genkey}, {@code pubkey} and {@code cert}: the files they make authenticate, and bad input is one line. */
class CredentialCommandsTest {
    private static final byte[] OCTETS = "signed octets".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    @Test
    void genkeyPubkeyCertIssueMakeACredentialTheCaAccepts() throws Exception {
        Path key = dir.resolve("gw.key");
        assertEquals(0, execute("genkey", "--out", key.toString()), err::toString);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));

        Path pub = dir.resolve("gw.pub");
        assertEquals(0, execute("pubkey", "--in", key.toString()), err::toString);
        Files.writeString(pub, out.toString());
        assertTrue(out.toString().startsWith("-----BEGIN PUBLIC KEY-----"), out::toString);

        assertEquals(0, execute("cert", "ca", "--name", "espgw test CA", "--out-key", dir.resolve("ca.key").toString(),
                "--out-cert", dir.resolve("ca.crt").toString()), err::toString);
        assertEquals(0, execute("cert", "issue", "--ca-key", dir.resolve("ca.key").toString(), "--ca-cert",
                dir.resolve("ca.crt").toString(), "--id", "gw.espgw.test", "--pubkey", pub.toString(), "--out-cert",
                dir.resolve("gw.crt").toString(), "--days", "30"), err::toString);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.key"))));

        LocalCredential gateway = LocalCredential.load(key, dir.resolve("gw.crt"));
        assertEquals(SignatureAlgorithm.ED25519, gateway.algorithm());
        assertAuthenticates(gateway, "gw.espgw.test");
        X509Certificate certificate = gateway.certificate();
        assertTrue(certificate.getNotAfter().toInstant().isBefore(Instant.now().plus(Duration.ofDays(31))));
        assertTrue(out.toString().contains("CN=gw.espgw.test, issued by CN=espgw test CA"), out::toString);
    }

    @Test
    void ecdsaCaIssuesANewEcdsaKeyForAnAddress() throws Exception {
        assertEquals(0, execute("cert", "ca", "--ecdsa", "--name", "espgw ECDSA CA", "--out-key",
                dir.resolve("ca.key").toString(), "--out-cert", dir.resolve("ca.crt").toString()), err::toString);
        assertEquals(0, execute("cert", "issue", "--ca-key", dir.resolve("ca.key").toString(), "--ca-cert",
                dir.resolve("ca.crt").toString(), "--id", "192.0.2.1", "--out-key", dir.resolve("gw.key").toString(),
                "--ecdsa", "--out-cert", dir.resolve("gw.crt").toString()), err::toString);

        LocalCredential gateway = LocalCredential.load(dir.resolve("gw.key"), dir.resolve("gw.crt"));
        assertEquals(SignatureAlgorithm.ECDSA_P256_SHA256, gateway.algorithm());
        assertAuthenticates(gateway, "192.0.2.1");
    }

    @Test
    void genkeyToStandardOutputAndPubkeyFromStandardInput() throws Exception {
        assertEquals(0, execute("genkey"), err::toString);
        String key = out.toString();
        assertTrue(key.startsWith("-----BEGIN PRIVATE KEY-----\n") && key.endsWith("-----END PRIVATE KEY-----\n"), key);

        out = new StringWriter();
        CommandLine commandLine = commandLine();
        ((PubkeyCommand) commandLine.getSubcommands().get("pubkey").getCommand()).stdin =
                new ByteArrayInputStream(key.getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, commandLine.execute("pubkey"), err::toString);
        assertEquals(SignatureAlgorithm.ED25519, SignatureAlgorithm.forKey(Pem.readPublicKey(out.toString())));
    }

    @Test
    void existingFilesAreNeverOverwritten() throws Exception {
        Path key = dir.resolve("gw.key");
        Files.writeString(key, "precious");

        assertEquals(2, execute("genkey", "--out", key.toString()));
        assertEquals("espgw: " + key + " exists; refusing to overwrite it\n", err.toString());
        assertEquals("precious", Files.readString(key));

        err = new StringWriter();
        Path caKey = dir.resolve("ca.key");
        assertEquals(2, execute("cert", "ca", "--name", "CA", "--out-key", caKey.toString(), "--out-cert", key.toString()));
        assertFalse(Files.exists(caKey), "nothing written when one output exists");
        assertEquals("precious", Files.readString(key));
    }

    @Test
    void badInputIsOneLineAndExitCode2() throws Exception {
        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "-----BEGIN PRIVATE KEY-----\nc2VjcmV0c2VjcmV0\n-----END PRIVATE KEY-----\n");
        assertOneLineError("pubkey", "--in", garbage.toString());
        assertFalse(err.toString().contains("c2VjcmV0"), err::toString);
        assertOneLineError("pubkey", "--in", dir.resolve("missing.pem").toString());

        assertEquals(0, execute("cert", "ca", "--name", "CA", "--out-key", dir.resolve("ca.key").toString(),
                "--out-cert", dir.resolve("ca.crt").toString()), err::toString);
        String[] issue = {"cert", "issue", "--ca-key", dir.resolve("ca.key").toString(), "--ca-cert",
            dir.resolve("ca.crt").toString(), "--out-key", dir.resolve("gw.key").toString(), "--out-cert",
            dir.resolve("gw.crt").toString()};
        assertOneLineError(concat(issue, "--id", "not an id"));
        assertOneLineError(concat(issue, "--id", "gw.espgw.test", "--days", "0"));
        assertOneLineError("cert", "issue", "--ca-key", dir.resolve("ca.crt").toString(), "--ca-cert",
                dir.resolve("ca.crt").toString(), "--id", "gw.espgw.test", "--out-key", dir.resolve("gw.key").toString(),
                "--out-cert", dir.resolve("gw.crt").toString());
        assertFalse(Files.exists(dir.resolve("gw.key")));
    }

    @Test
    void aCaKeyThatIsNotTheCertificatesIsRefused() throws Exception {
        assertEquals(0, execute("cert", "ca", "--name", "CA", "--out-key", dir.resolve("ca.key").toString(),
                "--out-cert", dir.resolve("ca.crt").toString()), err::toString);
        assertEquals(0, execute("genkey", "--out", dir.resolve("other.key").toString()), err::toString);

        assertOneLineError("cert", "issue", "--ca-key", dir.resolve("other.key").toString(), "--ca-cert",
                dir.resolve("ca.crt").toString(), "--id", "gw.espgw.test", "--out-key", dir.resolve("gw.key").toString(),
                "--out-cert", dir.resolve("gw.crt").toString());
        assertTrue(err.toString().contains("is not the key of the CA certificate"), err::toString);
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] command : new String[][] {{"genkey"}, {"pubkey"}, {"cert"}, {"cert", "ca"}, {"cert", "issue"}}) {
            out = new StringWriter();
            assertEquals(0, execute(concat(command, "--help")), err::toString);
            assertTrue(out.toString().startsWith("Usage: espgw " + String.join(" ", command)), out::toString);
        }
    }

    private void assertOneLineError(String... args) {
        err = new StringWriter();
        assertEquals(2, execute(args), err::toString);
        String message = err.toString();
        assertTrue(message.startsWith("espgw: ") && message.indexOf('\n') == message.length() - 1, message);
    }

    /** The credential authenticates as {@code id} to a peer trusting the CA in ca.crt. */
    private void assertAuthenticates(LocalCredential credential, String id) throws Exception {
        X509Certificate ca = Pem.readCertificates(Files.readString(dir.resolve("ca.crt"))).get(0);
        IkeIdentity identity = IkeIdentity.parse(id);

        assertEquals(credential.certificate(), new PeerAuthenticator(new CertificateChainValidator(ca)).authenticate(
                identity.idType(), identity.data(), credential.certificates(), OCTETS,
                AuthPayload.DIGITAL_SIGNATURE, credential.sign(AuthPayload.DIGITAL_SIGNATURE, OCTETS),
                Instant.now()));
    }

    private int execute(String... args) {
        return commandLine().execute(args);
    }

    private CommandLine commandLine() {
        return EspgwCommand.newCommandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
