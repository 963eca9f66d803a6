package espgw.ike.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.cli.EspgwCommand;
import espgw.ike.testing.StrongSwan;
import espgw.ike.testing.SwanctlConnection;
import espgw.ike.testing.SwanctlConnection.Certificates;
import espgw.ike.testing.SwanctlSas.IkeSa;
import espgw.testing.NetnsLab;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two strongSwan charons (namespaces prefixed {@code swcert}) authenticate each other with a CA
 * and certificates made by {@code espgw cert}, one key made by {@code espgw genkey}/{@code pubkey}:
 * charon loads the PEM files, validates the chains and verifies the AUTH signatures, and a ping
 * crosses the tunnel. So what espgw issues is what strongSwan accepts.
 */
class StrongSwanAcceptsEspgwCertificatesTest {
    private static final String A_OUTER = "192.0.2.1";
    private static final String B_OUTER = "192.0.2.2";
    private static final String A_INNER = "198.51.100.1";
    private static final String B_INNER = "198.51.100.2";
    private static final String A_ID = "a.espgw.test";
    private static final String B_ID = "b.espgw.test";

    @TempDir
    Path dir;

    @Test
    void ed25519CaAndCertificates() throws Exception {
        StrongSwan.requireInstalled();
        espgw("cert", "ca", "--name", "espgw interop CA", "--out-key", file("ca.key"), "--out-cert", file("ca.crt"));
        // a: genkey, pubkey, cert issue --pubkey (the key never leaves its host)
        espgw("genkey", "--out", file("a.key"));
        Files.writeString(dir.resolve("a.pub"), espgw("pubkey", "--in", file("a.key")));
        espgw("cert", "issue", "--ca-key", file("ca.key"), "--ca-cert", file("ca.crt"), "--id", A_ID,
                "--pubkey", file("a.pub"), "--out-cert", file("a.crt"));
        espgw("cert", "issue", "--ca-key", file("ca.key"), "--ca-cert", file("ca.crt"), "--id", B_ID,
                "--out-key", file("b.key"), "--out-cert", file("b.crt"));

        tunnel("aes128gcm16-prfsha256-x25519", "AES_GCM_16/128/PRF_HMAC_SHA2_256/CURVE_25519");
    }

    @Test
    void ecdsaP256CaAndCertificates() throws Exception {
        StrongSwan.requireInstalled();
        espgw("cert", "ca", "--ecdsa", "--name", "espgw interop CA", "--out-key", file("ca.key"), "--out-cert",
                file("ca.crt"));
        for (String side : new String[] {"a", "b"}) {
            espgw("cert", "issue", "--ca-key", file("ca.key"), "--ca-cert", file("ca.crt"), "--id", side + ".espgw.test",
                    "--ecdsa", "--out-key", file(side + ".key"), "--out-cert", file(side + ".crt"));
        }

        tunnel("aes128gcm16-prfsha256-ecp256", "AES_GCM_16/128/PRF_HMAC_SHA2_256/ECP_256");
    }

    private void tunnel(String ike, String ikeAlgorithms) throws Exception {
        try (NetnsLab lab = new NetnsLab("swcert")) {
            String nsA = lab.namespace("a");
            String nsB = lab.namespace("b");
            lab.veth(nsA, "a0", A_OUTER + "/24", nsB, "b0", B_OUTER + "/24");
            lab.exec(nsA, "ip", "addr", "add", A_INNER + "/32", "dev", "lo");
            lab.exec(nsB, "ip", "addr", "add", B_INNER + "/32", "dev", "lo");
            SwanctlConnection toB = SwanctlConnection.builder("interop")
                    .local(A_OUTER, A_ID).remote(B_OUTER, B_ID).trafficSelectors(A_INNER + "/32", B_INNER + "/32")
                    .authentication(credentials("a")).proposals(ike, "aes128gcm16").build();
            SwanctlConnection toA = SwanctlConnection.builder("interop")
                    .local(B_OUTER, B_ID).remote(A_OUTER, A_ID).trafficSelectors(B_INNER + "/32", A_INNER + "/32")
                    .authentication(credentials("b")).proposals(ike, "aes128gcm16").build();
            try (StrongSwan a = StrongSwan.start(lab, nsA, dir.resolve("charon-a"), Map.of());
                    StrongSwan b = StrongSwan.start(lab, nsB, dir.resolve("charon-b"), Map.of())) {
                a.load(toB);
                b.load(toA);
                a.initiate("interop");

                awaitPing(lab, nsA);
                for (StrongSwan swan : List.of(a, b)) {
                    List<IkeSa> sas = swan.listSas();
                    assertEquals(1, sas.size(), sas::toString);
                    assertEquals("ESTABLISHED", sas.get(0).state(), () -> swan.logTail(40));
                    assertEquals(ikeAlgorithms, sas.get(0).algorithms());
                }
                a.terminateIke("interop");
            }
        }
    }

    private Certificates credentials(String side) {
        return new Certificates(dir.resolve(side + ".crt"), dir.resolve(side + ".key"), dir.resolve("ca.crt"));
    }

    private static void awaitPing(NetnsLab lab, String ns) throws InterruptedException {
        for (int attempt = 0; attempt < 20; attempt++) {
            if (lab.tryExec(ns, 5, "ping", "-n", "-c", "1", "-W", "1", "-I", A_INNER, B_INNER).exitCode() == 0) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no ping through the tunnel");
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    /** Runs an espgw command in this JVM; returns its standard output, fails on a non-zero exit. */
    private static String espgw(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = EspgwCommand.newCommandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        assertEquals(0, exit, () -> String.join(" ", args) + ": " + err);
        assertTrue(err.toString().isEmpty(), err::toString);
        return out.toString();
    }
}
