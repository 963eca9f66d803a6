package espgw.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.testing.StrongSwan;
import espgw.ike.testing.SwanctlConnection;
import espgw.ike.testing.SwanctlSas.ChildSa;
import espgw.ike.testing.SwanctlSas.IkeSa;
import espgw.lab.Lab;
import espgw.lab.PcapFile;
import espgw.lab.WireCapture;
import espgw.nat.Ipv4Prefix;
import espgw.testing.NetnsLab;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * espgw against strongSwan 5.9.8's charon (kernel-libipsec, which always forces UDP encapsulation
 * with a faked NAT_DETECTION_SOURCE_IP), PSK, in namespaces {@code iks...} on one /24: espgw as
 * initiator and as responder, with AES-GCM-128 and ChaCha20-Poly1305. The tunnel comes up, charon
 * lists the CHILD SA as INSTALLED with the algorithm and UDP encapsulation, ping, TCP and UDP pass
 * both ways between the inner addresses (198.51.100.1 behind espgw, .2 behind charon), and espgw's host is as
 * before once it stops.
 */
class StrongSwanIkeTest {
    static final String ESPGW_OUTER = "192.0.2.1";
    static final String SWAN_OUTER = "192.0.2.2";
    static final String ESPGW_INNER = "198.51.100.1";
    static final String SWAN_INNER = "198.51.100.2";
    static final String ESPGW_ID = "espgw.espgw.test";
    static final String SWAN_ID = "swan.espgw.test";
    static final String PSK = "interop-psk-not-secret";
    static final String CONNECTION = "espgw";

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
        StrongSwan.requireInstalled();
    }

    @ParameterizedTest(name = "espgw initiates: {0}, {1}")
    @CsvSource({
        "true,  aes128gcm16-prfsha256-x25519,      aes128gcm16,      AES_GCM_16/128/PRF_HMAC_SHA2_256/CURVE_25519, AES_GCM_16/128",
        "false, aes128gcm16-prfsha256-x25519,      aes128gcm16,      AES_GCM_16/128/PRF_HMAC_SHA2_256/CURVE_25519, AES_GCM_16/128",
        "true,  chacha20poly1305-prfsha256-ecp256, chacha20poly1305, CHACHA20_POLY1305/PRF_HMAC_SHA2_256/ECP_256,  CHACHA20_POLY1305",
        "false, chacha20poly1305-prfsha256-ecp256, chacha20poly1305, CHACHA20_POLY1305/PRF_HMAC_SHA2_256/ECP_256,  CHACHA20_POLY1305"
    })
    void tunnelWithStrongSwanCarriesPingBothWays(boolean espgwInitiates, String ike, String esp,
            String ikeAlgorithms, String childAlgorithms) throws Exception {
        withTunnel(espgwInitiates, ike, esp, null, (lab, espgw, swanNs, swan, gateway) -> {
            assertPing(lab, espgw, ESPGW_INNER, SWAN_INNER);
            assertPing(lab, swanNs, SWAN_INNER, ESPGW_INNER);
            // From the inner address: espgw's route into the tunnel names the host's address inside local_ts as source.
            ScenarioSupport.assertTcpAndUdp(espgw, swanNs, SWAN_INNER, 5001, ScenarioSupport.SMALL_TRANSFER_BYTES);
            ScenarioSupport.assertTcpAndUdp(swanNs, espgw, ESPGW_INNER, 5002, ScenarioSupport.SMALL_TRANSFER_BYTES);

            IkeSa sa = only(swan.listSas());
            assertEquals("ESTABLISHED", sa.state(), sa.toString());
            assertEquals(espgwInitiates ? null : "yes", sa.get("initiator"), "charon names only its own initiator role");
            assertEquals(ikeAlgorithms, sa.algorithms());
            assertEquals(4500, sa.remotePort(), "floated to the NAT-T port");
            ChildSa child = only(sa.children());
            assertEquals("INSTALLED", child.state(), child.toString());
            assertEquals(childAlgorithms, child.algorithms());
            assertTrue(child.encap(), "ESP in UDP");
            assertEquals(List.of(SWAN_INNER + "/32"), child.localTs());
            assertEquals(List.of(ESPGW_INNER + "/32"), child.remoteTs());
            assertTrue(child.packetsIn() >= 10 && child.packetsOut() >= 10, child.toString());
        });
    }

    /**
     * charon checks liveness every second (DPD, RFC 7296 §2.4) and espgw answers each check; then
     * charon deletes the CHILD SA, later the IKE SA (INFORMATIONAL exchanges that swanctl waits for):
     * espgw answers, takes the SAs away and, as the initiator, asks for a new CHILD SA on the IKE SA
     * after the first, sets up a new IKE SA after its retry wait after the second.
     */
    @Test
    void espgwAnswersStrongSwansLivenessChecksAndDeletesAndSetsUpNewIkeSas() throws Exception {
        withTunnel(true, "aes128gcm16-prfsha256-x25519", "aes128gcm16", Duration.ofSeconds(1),
                (lab, espgw, swanNs, swan, gateway) -> {
            Path pcap = dir.resolve("dpd.pcap");
            try (WireCapture capture = WireCapture.start(espgw, "eth0", pcap)) {
                // Idle: charon checks each second without traffic from espgw, on a busy machine less often.
                Thread.sleep(6_000);
            }
            long checks = ikeMessages(pcap, SWAN_OUTER);
            assertTrue(checks >= 1, "charon checked liveness " + checks + " times");
            assertEquals(checks, ikeMessages(pcap, ESPGW_OUTER), "espgw answered every check");
            assertPing(lab, espgw, ESPGW_INNER, SWAN_INNER);

            swan.swanctl("--terminate", "--child", CONNECTION, "--timeout", "20");
            IkeScenarioTest.awaitOutput(gateway, "(removed)");
            IkeScenarioTest.awaitOutput(gateway, "asking for a new one");
            assertPingSoon(lab, espgw, ESPGW_INNER, SWAN_INNER);
            assertEquals("ESTABLISHED", only(swan.listSas()).state());

            swan.terminateIke(CONNECTION);
            IkeScenarioTest.awaitOutput(gateway, "IKE SA deleted by peer swan");
            awaitIkeSasUp(gateway, 2);
            assertPing(lab, espgw, ESPGW_INNER, SWAN_INNER);
            assertPing(lab, swanNs, SWAN_INNER, ESPGW_INNER);
            assertEquals("ESTABLISHED", only(swan.listSas()).state());
        });
    }

    /**
     * charon deletes the only CHILD SA but keeps the IKE SA (swanctl --terminate --child; also what it
     * does when a rekey was skipped and the hard lifetime ran out): espgw keeps the IKE SA too. As
     * responder it accepts charon's CREATE_CHILD_SA for a new CHILD SA on it (RFC 7296 §1.3.1), as
     * initiator it asks for one itself; either way the IKE SA is still the first one and ping passes.
     */
    @ParameterizedTest(name = "espgw initiates: {0}")
    @ValueSource(booleans = {true, false})
    void afterCharonDeletedTheLastChildSaANewOneComesUpOnTheSameIkeSa(boolean espgwInitiates) throws Exception {
        withTunnel(espgwInitiates, "aes128gcm16-prfsha256-x25519", "aes128gcm16", null,
                (lab, espgw, swanNs, swan, gateway) -> {
            assertPing(lab, espgw, ESPGW_INNER, SWAN_INNER);
            IkeSa first = only(swan.listSas());
            int before = gateway.output().length();

            swan.swanctl("--terminate", "--child", CONNECTION, "--timeout", "20");
            IkeScenarioTest.awaitOutput(gateway, "(removed)");
            if (!espgwInitiates) {
                swan.initiate(CONNECTION);
            }
            assertPingSoon(lab, espgw, ESPGW_INNER, SWAN_INNER);
            assertPing(lab, swanNs, SWAN_INNER, ESPGW_INNER);
            IkeSa now = only(swan.listSas());
            String after = gateway.output().substring(before);
            assertEquals(first.get("initiator-spi") + "/" + first.get("responder-spi"),
                    now.get("initiator-spi") + "/" + now.get("responder-spi"), "the same IKE SA:\n" + after);
            ChildSa child = only(now.children());
            assertEquals("INSTALLED", child.state(), child.toString());
            assertFalse(after.contains("IKE SA up"), "no new IKE SA:\n" + after);
            assertEquals(espgwInitiates, after.contains("asking for a new one"), after);
        });
    }

    /** A ping that passes within a few seconds: the new CHILD SA may still be on its way. */
    private static void assertPingSoon(Lab lab, String ns, String from, String to) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (lab.tryExec(ns, "ping", "-n", "-c", "1", "-W", "1", "-I", from, to).exitCode() != 0) {
            assertTrue(System.currentTimeMillis() < deadline, "no ping from " + from + " to " + to);
        }
        assertPing(lab, ns, from, to);
    }

    private static void awaitIkeSasUp(Lab.Gateway gateway, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 20_000;
        while (gateway.output().split("IKE SA up: peer swan", -1).length <= count) {
            assertTrue(System.currentTimeMillis() < deadline, "no IKE SA number " + count + ":\n" + gateway.output());
            Thread.sleep(100);
        }
    }

    /** What a test does once the tunnel is up. */
    @FunctionalInterface
    private interface TunnelCheck {
        void run(Lab lab, String espgwNs, String swanNs, StrongSwan swan, Lab.Gateway gateway) throws Exception;
    }

    /**
     * espgw and charon on one /24, each with its inner address on lo; charon with {@code dpdDelay}
     * (null: no liveness checks); the tunnel brought up by {@code espgwInitiates}' side; {@code check}
     * run; then espgw stopped, its log free of the PSK, and its host as before.
     */
    private void withTunnel(boolean espgwInitiates, String ike, String esp, Duration dpdDelay, TunnelCheck check)
            throws Exception {
        try (Lab lab = new Lab("iks", dir); NetnsLab swanLab = new NetnsLab("iks")) {
            String espgw = lab.host("e");
            String swanNs = swanLab.namespace("s");
            swanLab.veth(espgw, "eth0", ESPGW_OUTER + "/24", swanNs, "eth0", SWAN_OUTER + "/24");
            lab.exec(espgw, "ip", "addr", "add", ESPGW_INNER + "/32", "dev", "lo");
            swanLab.exec(swanNs, "ip", "addr", "add", SWAN_INNER + "/32", "dev", "lo");
            String before = lab.hostState(espgw);

            try (StrongSwan swan = StrongSwan.start(swanLab, swanNs, dir.resolve("swan"), Map.of())) {
                swan.load(SwanctlConnection.builder(CONNECTION)
                        .local(SWAN_OUTER, SWAN_ID).remote(ESPGW_OUTER, ESPGW_ID)
                        .trafficSelectors(SWAN_INNER + "/32", ESPGW_INNER + "/32")
                        .authentication(new SwanctlConnection.Psk(PSK)).proposals(ike, esp).dpdDelay(dpdDelay).build());
                Lab.Gateway gateway = lab.startGateway(espgw, lab.config("espgw", config(espgwInitiates, ike, esp)));
                if (!espgwInitiates) {
                    swan.initiate(CONNECTION);
                }
                IkeScenarioTest.awaitOutput(gateway, "IKE SA up: peer swan");
                assertTrue(gateway.output().contains("as " + (espgwInitiates ? "initiator" : "responder")
                        + ", ESP in UDP"), gateway.output());

                check.run(lab, espgw, swanNs, swan, gateway);

                assertEquals(0, gateway.stop(), gateway.output());
                assertFalse(gateway.output().contains(PSK), "the PSK in the log");
                long deadline = System.currentTimeMillis() + 5_000;
                while (!swan.listSas().isEmpty()) {
                    assertTrue(System.currentTimeMillis() < deadline, "espgw's Delete did not reach charon: "
                            + swan.listSas());
                    Thread.sleep(100);
                }
            }
            assertEquals(before, lab.hostState(espgw), "espgw host state after stop");
        }
    }

    /** IKE messages behind the Non-ESP Marker from {@code source} (RFC 3948 §2.2) in the capture. */
    private static long ikeMessages(Path pcap, String source) throws IOException {
        int from = Ipv4Prefix.parseAddress(source);
        return PcapFile.ipv4Packets(pcap).stream().filter(ip -> {
            int udp = (ip[0] & 0x0f) * 4;
            return ip[9] == 17 && ByteBuffer.wrap(ip).getInt(12) == from && ip.length >= udp + 12
                    && ByteBuffer.wrap(ip).getInt(udp + 8) == 0;
        }).count();
    }

    static String config(boolean initiate, String ike, String esp) {
        return "instance: espgw\nrole: client\nlocal: " + ESPGW_OUTER + "/24\npeers:\n"
                + "  - name: swan\n    address: " + SWAN_OUTER + "\n    networks: [" + SWAN_INNER + "/32]\n"
                + "    ike:\n      psk: " + PSK + "\n      local_id: " + ESPGW_ID + "\n      remote_id: " + SWAN_ID + "\n"
                + "      initiate: " + initiate + "\n      proposals: [" + ike + "]\n      esp_proposals: [" + esp + "]\n"
                + "      local_ts: [" + ESPGW_INNER + "/32]\n      remote_ts: [" + SWAN_INNER + "/32]\n";
    }

    static void assertPing(Lab lab, String ns, String from, String to) {
        String out = lab.exec(ns, "ping", "-n", "-c", "5", "-i", "0.2", "-W", "3", "-I", from, to);
        assertTrue(out.contains(" 0% packet loss"), out);
    }

    static <T> T only(List<T> items) {
        assertEquals(1, items.size(), items.toString());
        return items.get(0);
    }
}
