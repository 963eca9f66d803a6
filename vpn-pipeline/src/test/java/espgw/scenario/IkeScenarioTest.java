package espgw.scenario;

import static espgw.scenario.ScenarioSupport.PING_MARKER;
import static espgw.scenario.ScenarioSupport.SMALL_TRANSFER_BYTES;
import static espgw.scenario.ScenarioSupport.assertPing;
import static espgw.scenario.ScenarioSupport.assertTcpAndUdp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.lab.Lab;
import espgw.lab.LabTraffic;
import espgw.lab.PcapSummary;
import espgw.lab.WireCapture;
import espgw.metrics.IkeStatus;
import espgw.metrics.StatusJson;
import espgw.metrics.StatusReport;
import espgw.nat.Ipv4Prefix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * espgw to espgw with keys from IKEv2 (PSK) instead of manual SAs, on seed scenario 2's LAN
 * (client 10.0.0.161 initiates, server 10.0.0.160 responds; namespaces {@code ik...}): the tunnel
 * comes up by itself, ping, TCP and UDP pass, nothing but IKE and ESP crosses the wire, and both
 * hosts are as before once the gateways stop.
 */
class IkeScenarioTest {
    static final String CLIENT = SameSubnetScenarioTest.CLIENT;
    static final String SERVER = SameSubnetScenarioTest.SERVER;
    static final String PSK = "ike-scenario-psk-not-secret";
    private static final int IPPROTO_ICMP = 1;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_UDP = 17;
    private static final int IPPROTO_ESP = 50;
    private static final long IKE_TIMEOUT_MILLIS = 20_000;

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
    }

    static String clientConfig(String psk, String encapsulation) {
        return "instance: client\nrole: client\nlocal: " + CLIENT + "/24\npeers:\n"
                + "  - name: server\n    address: " + SERVER + "\n    encapsulation: " + encapsulation + "\n"
                + "    ike:\n      psk: " + psk + "\n      local_id: client.espgw.test\n"
                + "      remote_id: server.espgw.test\n      initiate: true\n";
    }

    static String serverConfig(String psk, String encapsulation) {
        return "instance: server\nrole: server\nlocal: " + SERVER + "/24\npeers:\n"
                + "  - name: client\n    address: " + CLIENT + "\n    encapsulation: " + encapsulation + "\n"
                + "    ike:\n      psk: " + psk + "\n      local_id: server.espgw.test\n"
                + "      remote_id: client.espgw.test\n";
    }

    @Test
    void espInUdpTunnelComesUpByIkeAndCarriesPingTcpAndUdp() throws Exception {
        Map<Integer, Long> protocols = tunnel("iku", "udp");
        assertFalse(protocols.containsKey(IPPROTO_ESP), "all ESP in UDP: " + protocols);
    }

    @Test
    void bareEspTunnelComesUpByIkeAndCarriesPingTcpAndUdp() throws Exception {
        Map<Integer, Long> protocols = tunnel("ike", "none");
        assertTrue(protocols.getOrDefault(IPPROTO_ESP, 0L) > 0, "bare ESP: " + protocols);
    }

    /** Brings the tunnel up, checks traffic and the wire; returns the IPv4 protocols seen between the hosts. */
    private Map<Integer, Long> tunnel(String name, String encapsulation) throws Exception {
        try (Lab lab = new Lab(name, dir)) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            String client = hosts.client();
            String server = hosts.server();
            String clientBefore = lab.hostState(client);
            String serverBefore = lab.hostState(server);

            Path pcap = dir.resolve(name + ".pcap");
            PcapSummary wire;
            Lab.Gateway serverGateway;
            Lab.Gateway clientGateway;
            try (WireCapture capture = WireCapture.start(lab.lan(), Lab.LAN_BRIDGE, pcap)) {
                serverGateway = lab.startGateway(server, lab.config("server", serverConfig(PSK, encapsulation)));
                String before = lab.espgw(server, "status").output();
                assertTrue(before.contains("  ike: down, waiting for the peer to initiate\n"), before);
                Path keys = dir.resolve(name + ".keys");
                clientGateway = lab.startGateway(client, lab.config("client", clientConfig(PSK, encapsulation)),
                        "--keylog", keys.toString());
                awaitOutput(clientGateway, "IKE SA up: peer server");
                List<String> keyLines = Files.readAllLines(keys);
                assertEquals(2, keyLines.size(), "one key log line per negotiated SA: " + keyLines);
                assertTrue(keyLines.get(0).startsWith("\"IPv4\",\"" + CLIENT + "\",\"" + SERVER + "\""), keyLines.get(0));
                assertTrue(keyLines.get(1).startsWith("\"IPv4\",\"" + SERVER + "\",\"" + CLIENT + "\""), keyLines.get(1));
                awaitOutput(serverGateway, "IKE SA up: peer client");
                // Seed scenario 2's roles: the client reaches the server's services, requests and replies both ways.
                assertPing(lab, client, SERVER);
                assertTcpAndUdp(client, server, SERVER, 5001, SMALL_TRANSFER_BYTES);
                LabTraffic.Transfer download = LabTraffic.tcpFromServer(client, server, SERVER, 5002,
                        SMALL_TRANSFER_BYTES, ScenarioSupport.MARKER, 120);
                assertTrue(download.intact(), "bulk from the server's side: " + download);
            }
            wire = PcapSummary.read(pcap, Ipv4Prefix.parseAddress(CLIENT), Ipv4Prefix.parseAddress(SERVER),
                    ScenarioSupport.MARKER);
            assertEquals(0, wire.markerHits(), "TCP/UDP payload in clear text: " + wire);
            assertEquals(0, PcapSummary.read(pcap, Ipv4Prefix.parseAddress(CLIENT), Ipv4Prefix.parseAddress(SERVER),
                    PING_MARKER).markerHits(), "ping payload in clear text");
            assertFalse(wire.protocols().containsKey(IPPROTO_ICMP) || wire.protocols().containsKey(IPPROTO_TCP),
                    "ICMP or TCP in clear: " + wire);
            assertTrue(wire.protocols().getOrDefault(IPPROTO_UDP, 0L) > 0, "IKE is UDP: " + wire);

            String status = lab.espgw(client, "status").output();
            assertTrue(status.contains("server"), status);
            assertTrue(status.contains("  ike: established "), status);
            assertIkeSaAsLogged(lab, client, clientGateway, IkeStatus.INITIATOR, "client", encapsulation.equals("udp"));
            assertIkeSaAsLogged(lab, server, serverGateway, IkeStatus.RESPONDER, "server", encapsulation.equals("udp"));
            String expected = encapsulation.equals("udp") ? "ESP in UDP" : "bare ESP";
            assertTrue(clientGateway.output().contains("as initiator, " + expected), clientGateway.output());
            assertTrue(serverGateway.output().contains("as responder, " + expected), serverGateway.output());

            // The stopping server deletes its IKE SA at the client, which drops the SAs and tries again.
            assertEquals(0, serverGateway.stop(), serverGateway.output());
            awaitOutput(clientGateway, "IKE SA deleted by peer server");
            awaitOutput(clientGateway, "initiating again");
            assertEquals(0, clientGateway.stop(), clientGateway.output());
            assertFalse(clientGateway.output().contains(PSK), "the PSK in the log");
            assertEquals(clientBefore, lab.hostState(client), "client host state after stop");
            assertEquals(serverBefore, lab.hostState(server), "server host state after stop");
            return wire.protocols();
        }
    }

    @Test
    void wrongPskFailsWithAuthenticationFailedAndInstallsNoSa() throws Exception {
        try (Lab lab = new Lab("ikf", dir)) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            String client = hosts.client();
            String server = hosts.server();
            String clientBefore = lab.hostState(client);
            String serverBefore = lab.hostState(server);
            Lab.Gateway serverGateway = lab.startGateway(server, lab.config("server", serverConfig(PSK, "none")));
            Lab.Gateway clientGateway = lab.startGateway(client,
                    lab.config("client", clientConfig("a-different-psk-of-length", "none")));

            awaitOutput(serverGateway, "AUTHENTICATION_FAILED");
            awaitOutput(clientGateway, "AUTHENTICATION_FAILED");
            assertFalse(serverGateway.output().contains("IKE SA up"), serverGateway.output());
            assertFalse(clientGateway.output().contains("SA up"), clientGateway.output());
            Lab.Result ping = lab.tryExec(client, "ping", "-n", "-c", "1", "-W", "1", SERVER);
            assertTrue(ping.exitCode() != 0, "no SA, no ping: " + ping.output());
            String status = lab.espgw(client, "status").output();
            assertTrue(status.contains("sa: none (IKE has not negotiated one)"), status);
            assertTrue(status.matches("(?s).*\n    last failure [^\n]* ago: AUTHENTICATION_FAILED \\(IKE SA failed: .*"),
                    status);
            assertFalse(status.contains("a-different-psk"), status);
            IkeStatus initiator = status(lab, client).peers().get(0).ike();
            assertTrue(!initiator.state().equals(IkeStatus.ESTABLISHED) && initiator.established() == null, initiator::toString);
            assertEquals("AUTHENTICATION_FAILED", initiator.lastFailure().errorNotify(), initiator::toString);
            IkeStatus responder = status(lab, server).peers().get(0).ike();
            assertEquals("AUTHENTICATION_FAILED", responder.lastFailure().errorNotify(), responder::toString);
            assertNull(responder.nextAttemptInSeconds(), "the responder does not initiate: " + responder);
            String metrics = NamespacedHttp.get(client, 9587, "/metrics").body();
            assertTrue(metrics.contains("espgw_ike_failures_total{notify=\"AUTHENTICATION_FAILED\",peer=\"server\"}"),
                    metrics);
            assertTrue(metrics.matches("(?s).*espgw_drops_total\\{reason=\"no_sa\"} [1-9].*"), metrics);

            assertEquals(0, clientGateway.stop(), clientGateway.output());
            assertEquals(0, serverGateway.stop(), serverGateway.output());
            assertFalse(serverGateway.output().contains(PSK), "the PSK in the log");
            assertEquals(clientBefore, lab.hostState(client), "client host state after stop");
            assertEquals(serverBefore, lab.hostState(server), "server host state after stop");
        }
    }

    /**
     * Seed scenario 1 with IKE: the client (10.0.0.161) reaches the server (10.1.2.5) through a router
     * (10.0.0.1 / 10.1.2.1), initiating. Without NAT, IKE stays on port 500 and ESP bare. With the
     * router masquerading, neither end configured for UDP: NAT detection moves IKE to port 4500
     * (RFC 7296 §2.23) and ESP into UDP, and the server knows the client by the router's address.
     */
    @ParameterizedTest(name = "masquerading router: {0}")
    @ValueSource(booleans = {false, true})
    void throughARouterAndBehindANatIkeChoosesTheEncapsulation(boolean nat) throws Exception {
        String server = "10.1.2.5";
        String router = "10.1.2.1";
        String clientSeenAs = nat ? router : CLIENT;
        try (Lab lab = new Lab(nat ? "ikn" : "ikr", dir)) {
            String clientNs = lab.host("c");
            String routerNs = lab.host("r");
            String serverNs = lab.host("s");
            lab.link(clientNs, "eth0", CLIENT + "/24", routerNs, "r0", "10.0.0.1/24");
            lab.link(routerNs, "r1", router + "/24", serverNs, "eth0", server + "/24");
            lab.exec(routerNs, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            if (nat) {
                lab.exec(routerNs, "nft", "add table ip nat; add chain ip nat post { type nat hook postrouting priority 100; };"
                        + " add rule ip nat post oifname r1 masquerade");
            } else {
                lab.exec(serverNs, "ip", "route", "add", "default", "via", router);
            }
            lab.exec(clientNs, "ip", "route", "add", "default", "via", "10.0.0.1");
            String clientBefore = lab.hostState(clientNs);
            String serverBefore = lab.hostState(serverNs);

            Lab.Gateway serverGateway = lab.startGateway(serverNs, lab.config("server",
                    "instance: server\nrole: server\nlocal: " + server + "/24\npeers:\n"
                            + "  - name: client\n    address: " + clientSeenAs + "\n"
                            + "    ike: {psk: " + PSK + ", local_id: server.espgw.test, remote_id: client.espgw.test,"
                            + " remote_ts: [" + CLIENT + "/32]}\n"));
            Lab.Gateway clientGateway = lab.startGateway(clientNs, lab.config("client",
                    "instance: client\nrole: client\nlocal: " + CLIENT + "/24\npeers:\n"
                            + "  - name: server\n    address: " + server + "\n"
                            + "    ike: {psk: " + PSK + ", local_id: client.espgw.test, remote_id: server.espgw.test,"
                            + " initiate: true}\n"));
            awaitOutput(clientGateway, "IKE SA up: peer server");
            awaitOutput(serverGateway, "IKE SA up: peer client");
            String expected = nat ? "ESP in UDP, NAT detected" : "bare ESP";
            assertTrue(clientGateway.output().contains("as initiator, " + expected), clientGateway.output());
            assertTrue(serverGateway.output().contains("as responder, " + expected), serverGateway.output());
            String clientStatus = lab.espgw(clientNs, "status").output();
            assertTrue(clientStatus.contains(nat ? "\n    ESP in UDP from port 4500 to 4500, NAT detected in front of this end\n"
                    : "\n    bare ESP, no NAT detected\n"), clientStatus);
            String serverStatus = lab.espgw(serverNs, "status").output();
            assertTrue(serverStatus.contains(nat ? ", NAT detected in front of the peer\n" : "\n    bare ESP, no NAT detected\n"),
                    serverStatus);

            Path pcap = dir.resolve("router.pcap");
            try (WireCapture capture = WireCapture.start(routerNs, "r1", pcap)) {
                assertPing(lab, clientNs, server);
                assertTcpAndUdp(clientNs, serverNs, server, 5001, SMALL_TRANSFER_BYTES);
            }
            PcapSummary wire = PcapSummary.read(pcap, Ipv4Prefix.parseAddress(clientSeenAs),
                    Ipv4Prefix.parseAddress(server), ScenarioSupport.MARKER);
            assertTrue(nat ? wire.onlyEspInUdp() : wire.onlyEsp() && wire.espInUdpBetween() == 0,
                    "between the router and the server: " + wire);

            assertEquals(0, clientGateway.stop(), clientGateway.output());
            assertEquals(0, serverGateway.stop(), serverGateway.output());
            assertEquals(clientBefore, lab.hostState(clientNs), "client host state after stop");
            assertEquals(serverBefore, lab.hostState(serverNs), "server host state after stop");
        }
    }

    /** How many CHILD SAs the gateway installed, by its log: one inbound SA each. */
    static int childSasInstalled(Lab.Gateway gateway) {
        return (int) gateway.output().lines().filter(line -> line.contains("SA up: peer") && line.contains(" INBOUND "))
                .count();
    }

    /**
     * {@code espgw status} of the gateway in {@code ns} shows its one IKE SA as its log announced it: role,
     * identities ({@code NAME.espgw.test}), SPIs, encapsulation; the default algorithms' first choices
     * and rekey times (IKE SA 4 h, CHILD SA 1 h, less up to 10 % jitter and the time the test took).
     */
    private static void assertIkeSaAsLogged(Lab lab, String ns, Lab.Gateway gateway, String role, String name,
            boolean udp) throws IOException {
        IkeStatus ike = status(lab, ns).peers().get(0).ike();
        String context = ike + "\n" + gateway.output();
        assertEquals(IkeStatus.ESTABLISHED, ike.state(), context);
        IkeStatus.Established sa = ike.established();
        String peerName = name.equals("client") ? "server" : "client";
        assertEquals(List.of(role, name + ".espgw.test", peerName + ".espgw.test"),
                List.of(sa.role(), sa.localId(), sa.remoteId()), context);
        assertEquals(1, count(gateway.output(), " (" + peerName + ".espgw.test) as " + role + ", "
                + (udp ? "ESP in UDP" : "bare ESP") + ", SPIs " + sa.initiatorSpi() + "_i " + sa.responderSpi() + "_r"),
                "the one 'IKE SA up' line names these SPIs: " + context);
        assertEquals("AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE25519",
                sa.encryption() + "/" + sa.prf() + "/" + sa.group(), context);
        assertEquals(udp, sa.encapsulation().udp(), context);
        assertTrue(sa.ikeRekeyInSeconds() > 12_000 && sa.ikeRekeyInSeconds() <= 14_400, context);
        assertTrue(sa.childRekeyInSeconds() > 2_600 && sa.childRekeyInSeconds() <= 3_600, context);
        assertTrue(sa.lastHeardSecondsAgo() <= 60, "liveness checks after 30 s of silence: " + context);
    }

    static StatusReport status(Lab lab, String ns) throws IOException {
        String json = lab.espgw(ns, "status", "--json").output();
        return StatusJson.read(json.substring(json.indexOf('{')));
    }

    static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }

    /** Waits until the gateway has printed {@code text}. */
    static void awaitOutput(Lab.Gateway gateway, String text) throws InterruptedException {
        long deadline = System.currentTimeMillis() + IKE_TIMEOUT_MILLIS;
        while (!gateway.output().contains(text)) {
            if (System.currentTimeMillis() > deadline || !gateway.isAlive()) {
                throw new AssertionError("'" + text + "' not in the output of the gateway in " + gateway.namespace()
                        + ":\n" + gateway.output());
            }
            Thread.sleep(50);
        }
    }
}
