package espgw.ike.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.testing.SwanctlConnection.Authentication;
import espgw.ike.testing.SwanctlConnection.Certificates;
import espgw.ike.testing.SwanctlConnection.Psk;
import espgw.ike.testing.SwanctlSas.ChildSa;
import espgw.ike.testing.SwanctlSas.IkeSa;
import espgw.testing.NetnsLab;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * strongSwan against strongSwan in two namespaces (prefix {@code sw}): proves the harness that espgw's
 * IKEv2 will be tested with. Each case brings the tunnel up, pings through the libipsec TUN
 * (ESP in UDP 4500), checks what both charons negotiated, deletes the IKE SA and tears all down.
 */
class StrongSwanBaselineTest {
    private static final String A_OUTER = "192.0.2.1";
    private static final String B_OUTER = "192.0.2.2";
    private static final String A_INNER = "198.51.100.1";
    private static final String B_INNER = "198.51.100.2";
    private static final String A_ID = "a.espgw.test";
    private static final String B_ID = "b.espgw.test";
    private static final String PSK = "baseline-psk-not-secret";

    @TempDir
    Path dir;

    @Test
    void pskWithAesGcm128AndX25519() throws Exception {
        tunnel("aes128gcm16-prfsha256-x25519", "aes128gcm16", id -> new Psk(PSK),
                "AES_GCM_16/128/PRF_HMAC_SHA2_256/CURVE_25519", "AES_GCM_16/128");
    }

    @Test
    void pskWithChaCha20Poly1305AndEcp256() throws Exception {
        tunnel("chacha20poly1305-prfsha256-ecp256", "chacha20poly1305", id -> new Psk(PSK),
                "CHACHA20_POLY1305/PRF_HMAC_SHA2_256/ECP_256", "CHACHA20_POLY1305");
    }

    @Test
    void ed25519Certificates() throws Exception {
        tunnel("aes128gcm16-prfsha256-x25519", "aes128gcm16", certificates(Pki.KeyType.ED25519),
                "AES_GCM_16/128/PRF_HMAC_SHA2_256/CURVE_25519", "AES_GCM_16/128");
    }

    @Test
    void ecdsaP256Certificates() throws Exception {
        tunnel("aes128gcm16-prfsha256-ecp256", "aes128gcm16", certificates(Pki.KeyType.ECDSA_P256),
                "AES_GCM_16/128/PRF_HMAC_SHA2_256/ECP_256", "AES_GCM_16/128");
    }

    /** A CA and one certificate per identity, all of {@code type}. */
    private Function<String, Authentication> certificates(Pki.KeyType type) throws Exception {
        Pki.requireInstalled();
        Path pki = dir.resolve("pki");
        Pki.Credential ca = Pki.ca(pki, "baseline-ca", type);
        Map<String, Pki.Credential> ends = Map.of(
                A_ID, Pki.endEntity(pki, A_ID, type, ca),
                B_ID, Pki.endEntity(pki, B_ID, type, ca));
        return id -> new Certificates(ends.get(id).certificate(), ends.get(id).privateKey(), ca.certificate());
    }

    /** {@code authenticationOf} gives each side's authentication by its own identity. */
    private void tunnel(String ike, String esp, Function<String, Authentication> authenticationOf,
            String ikeAlgorithms, String childAlgorithms) throws Exception {
        StrongSwan.requireInstalled();
        try (NetnsLab lab = new NetnsLab("sw")) {
            String nsA = lab.namespace("a");
            String nsB = lab.namespace("b");
            lab.veth(nsA, "a0", A_OUTER + "/24", nsB, "b0", B_OUTER + "/24");
            lab.exec(nsA, "ip", "addr", "add", A_INNER + "/32", "dev", "lo");
            lab.exec(nsB, "ip", "addr", "add", B_INNER + "/32", "dev", "lo");
            SwanctlConnection toB = SwanctlConnection.builder("baseline")
                    .local(A_OUTER, A_ID).remote(B_OUTER, B_ID).trafficSelectors(A_INNER + "/32", B_INNER + "/32")
                    .authentication(authenticationOf.apply(A_ID)).proposals(ike, esp)
                    .ikeRekeyTime(Duration.ofHours(2)).childLifetimes(Duration.ofMinutes(50), Duration.ofMinutes(55))
                    .dpdDelay(Duration.ofSeconds(30)).build();
            SwanctlConnection toA = SwanctlConnection.builder("baseline")
                    .local(B_OUTER, B_ID).remote(A_OUTER, A_ID).trafficSelectors(B_INNER + "/32", A_INNER + "/32")
                    .authentication(authenticationOf.apply(B_ID)).proposals(ike, esp).build();
            try (StrongSwan a = StrongSwan.start(lab, nsA, dir.resolve("a"), Map.of());
                    StrongSwan b = StrongSwan.start(lab, nsB, dir.resolve("b"), Map.of())) {
                a.load(toB);
                b.load(toA);
                a.initiate("baseline");

                awaitPing(lab, nsA);
                String pings = lab.exec(nsA, "ping", "-n", "-c", "5", "-i", "0.2", "-W", "2", "-I", A_INNER, B_INNER);
                assertTrue(pings.contains(" 0% packet loss"), pings);

                IkeSa initiator = only(a.listSas());
                assertEquals("ESTABLISHED", initiator.state(), initiator.toString());
                assertEquals("yes", initiator.get("initiator"));
                assertEquals(ikeAlgorithms, initiator.algorithms());
                assertEquals(4500, initiator.remotePort(), "kernel-libipsec floats to 4500 (faked NAT)");
                ChildSa child = initiator.children().get(0);
                assertEquals("INSTALLED", child.state());
                assertEquals(childAlgorithms, child.algorithms());
                assertTrue(child.encap(), "ESP in UDP");
                assertEquals(List.of(A_INNER + "/32"), child.localTs());
                assertEquals(List.of(B_INNER + "/32"), child.remoteTs());
                assertTrue(child.packetsOut() >= 6 && child.packetsIn() >= 6, child.toString());
                assertTrue(Long.parseLong(child.get("rekey-time")) <= Duration.ofMinutes(50).toSeconds(),
                        "configured child rekey_time: " + child);

                ChildSa responderChild = only(b.listSas()).children().get(0);
                assertEquals(child.get("spi-in"), responderChild.get("spi-out"));
                assertEquals(child.get("spi-out"), responderChild.get("spi-in"));

                a.terminateIke("baseline");
                assertTrue(a.listSas().isEmpty(), "initiator still has an IKE SA");
                awaitNoSas(b);
            }
        }
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

    private static void awaitNoSas(StrongSwan swan) throws InterruptedException {
        for (int attempt = 0; attempt < 50 && !swan.listSas().isEmpty(); attempt++) {
            Thread.sleep(100);
        }
        assertTrue(swan.listSas().isEmpty(), "responder still has an IKE SA after the delete");
    }

    private static <T> T only(List<T> items) {
        assertEquals(1, items.size(), items.toString());
        return items.get(0);
    }
}
