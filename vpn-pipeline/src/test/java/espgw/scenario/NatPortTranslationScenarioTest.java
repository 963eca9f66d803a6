package espgw.scenario;

import static espgw.scenario.ScenarioSupport.SMALL_TRANSFER_BYTES;
import static espgw.scenario.ScenarioSupport.assertPing;
import static espgw.scenario.ScenarioSupport.assertTcpAndUdp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.lab.Lab;
import espgw.lab.LabTraffic;
import espgw.lab.WireCapture;
import espgw.nat.Ipv4Prefix;
import espgw.testing.Privileges;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NAT with port translation (RFC 7296 §2.23, RFC 3948): the client (10.0.0.161) initiates from
 * behind a router (10.0.0.1 / 10.1.2.1) that masquerades UDP to random ports of 40000-40999, so its
 * ports 500 and 4500 reach the server (10.1.2.5) as two other ports (namespaces {@code ikn...}).
 * The server must answer IKE and send ESP in UDP to those ports; then the router forgets its
 * mappings and translates to 41000-41999, and the server must follow the client's new port once
 * an authentic IKE message comes from it.
 */
class NatPortTranslationScenarioTest {
    private static final String CLIENT = "10.0.0.161";
    private static final String ROUTER = "10.1.2.1";
    private static final String SERVER = "10.1.2.5";
    private static final int NAT_T_PORT = 4500;
    private static final int NON_ESP_MARKER_LENGTH = 4;
    /**
     * The server follows the new port at the client's next liveness check: the client hears nothing
     * once the server's checks go to the forgotten port, so it checks {@code dpd_seconds} (2) after
     * the last message it heard, and the server's IKE timer handles it within 250 ms. 15 s leaves
     * room for a loaded machine.
     */
    private static final long FOLLOW_WITHIN_MILLIS = 15_000;

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
        Privileges.requireCommand("conntrack");
    }

    @Test
    void theServerSendsToTheTranslatedPortsAndFollowsTheClientWhenTheNatMappingChanges() throws Exception {
        try (Lab lab = new Lab("ikn", dir)) {
            String clientNs = lab.host("c");
            String routerNs = lab.host("r");
            String serverNs = lab.host("s");
            lab.link(clientNs, "eth0", CLIENT + "/24", routerNs, "r0", "10.0.0.1/24");
            lab.link(routerNs, "r1", ROUTER + "/24", serverNs, "eth0", SERVER + "/24");
            lab.exec(routerNs, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            lab.exec(clientNs, "ip", "route", "add", "default", "via", "10.0.0.1");
            translatePorts(lab, routerNs, "40000-40999");
            String clientBefore = lab.hostState(clientNs);
            String serverBefore = lab.hostState(serverNs);

            Path setupPcap = dir.resolve("setup.pcap");
            Lab.Gateway serverGateway;
            Lab.Gateway clientGateway;
            try (WireCapture capture = WireCapture.start(routerNs, "r1", setupPcap)) {
                serverGateway = lab.startGateway(serverNs, lab.config("server", serverConfig()));
                clientGateway = lab.startGateway(clientNs, lab.config("client", clientConfig()));
                IkeScenarioTest.awaitOutput(clientGateway, "IKE SA up: peer server");
                IkeScenarioTest.awaitOutput(serverGateway, "IKE SA up: peer client");
                assertTrue(serverGateway.output().contains("as responder, ESP in UDP, NAT detected"),
                        serverGateway.output());
                traffic(lab, clientNs, serverNs);
            }
            int firstPort = natTraversalPortOfTheClient(lab, routerNs);
            assertTrue(firstPort >= 40000 && firstPort <= 40999, "conntrack: 4500 became " + firstPort);
            List<CapturedUdp> setup = CapturedUdp.read(setupPcap);
            Set<Integer> clientPorts = sourcePortsFromTheRouter(setup);
            assertEquals(2, clientPorts.size(), "IKE_SA_INIT's port and the NAT-T port, both translated: "
                    + clientPorts);
            assertTrue(clientPorts.stream().allMatch(p -> p >= 40000 && p <= 40999), "translated: " + clientPorts);
            assertTrue(clientPorts.contains(firstPort), clientPorts + " vs conntrack's " + firstPort);
            assertTrue(espInUdpFromTheServerTo(setup, firstPort) > 0, "ESP in UDP to the translated port");
            assertEquals(0, espInUdpFromTheServerTo(setup, NAT_T_PORT), "none to the untranslated port");

            // The router forgets its mappings and translates to other ports from now on.
            int followedFrom = serverGateway.output().length();
            Path movedPcap = dir.resolve("moved.pcap");
            try (WireCapture capture = WireCapture.start(routerNs, "r1", movedPcap)) {
                translatePorts(lab, routerNs, "41000-41999");
                lab.exec(routerNs, "conntrack", "-F");
                int at = IkeDeadPeerScenarioTest.awaitOutputAfter(serverGateway, followedFrom,
                        "IKE: peer client (" + ROUTER + ") now comes from port ", FOLLOW_WITHIN_MILLIS);
                Matcher moved = Pattern.compile("now comes from port (\\d+) \\(was (\\d+)\\)")
                        .matcher(serverGateway.output().substring(at));
                assertTrue(moved.find(), serverGateway.output().substring(at));
                assertEquals(firstPort, Integer.parseInt(moved.group(2)));
                traffic(lab, clientNs, serverNs);
            }
            int secondPort = natTraversalPortOfTheClient(lab, routerNs);
            assertTrue(secondPort >= 41000 && secondPort <= 41999, "conntrack: 4500 now became " + secondPort);
            assertTrue(serverGateway.output().contains("now comes from port " + secondPort + " (was " + firstPort),
                    serverGateway.output());
            assertTrue(espInUdpFromTheServerTo(CapturedUdp.read(movedPcap), secondPort) > 0,
                    "ESP in UDP to the new port");
            assertFalse(serverGateway.output().contains("IKE SA lost"), "the tunnel survived: "
                    + serverGateway.output());

            assertEquals(0, clientGateway.stop(), clientGateway.output());
            assertEquals(0, serverGateway.stop(), serverGateway.output());
            assertEquals(clientBefore, lab.hostState(clientNs), "client host state after stop");
            assertEquals(serverBefore, lab.hostState(serverNs), "server host state after stop");
        }
    }

    /** Requests and replies both ways: ping, TCP up and down, UDP echoes. */
    private static void traffic(Lab lab, String clientNs, String serverNs) throws IOException {
        assertPing(lab, clientNs, SERVER);
        assertTcpAndUdp(clientNs, serverNs, SERVER, 5001, SMALL_TRANSFER_BYTES);
        LabTraffic.Transfer download = LabTraffic.tcpFromServer(clientNs, serverNs, SERVER, 5002,
                SMALL_TRANSFER_BYTES, ScenarioSupport.MARKER, 120);
        assertTrue(download.intact(), "bulk from the server's side: " + download);
    }

    /** The router masquerades what leaves towards the server, UDP to random ports of {@code range}. */
    private static void translatePorts(Lab lab, String routerNs, String range) {
        lab.exec(routerNs, "nft", "add table ip nat; delete table ip nat; add table ip nat;"
                + " add chain ip nat post { type nat hook postrouting priority 100; };"
                + " add rule ip nat post oifname r1 meta l4proto udp masquerade to :" + range + " random;"
                + " add rule ip nat post oifname r1 masquerade");
    }

    /** The router's port for the client's NAT-T socket, from its connection tracking. */
    private static int natTraversalPortOfTheClient(Lab lab, String routerNs) {
        String entries = lab.exec(routerNs, "conntrack", "-L", "-p", "udp", "--orig-src", CLIENT,
                "--orig-port-src", Integer.toString(NAT_T_PORT));
        Matcher reply = Pattern.compile("src=" + SERVER + " dst=" + ROUTER + " sport=" + NAT_T_PORT
                + " dport=(\\d+)").matcher(entries);
        assertTrue(reply.find(), "no translated NAT-T mapping: " + entries);
        return Integer.parseInt(reply.group(1));
    }

    private static Set<Integer> sourcePortsFromTheRouter(List<CapturedUdp> datagrams) {
        int router = Ipv4Prefix.parseAddress(ROUTER);
        int server = Ipv4Prefix.parseAddress(SERVER);
        Set<Integer> ports = new TreeSet<>();
        datagrams.stream().filter(d -> d.source() == router && d.destination() == server)
                .forEach(d -> ports.add(d.sourcePort()));
        return ports;
    }

    /** ESP-in-UDP datagrams (RFC 3948 §2.1: a non-zero SPI first) from the server's NAT-T port to the router's {@code port}. */
    private static long espInUdpFromTheServerTo(List<CapturedUdp> datagrams, int port) {
        int router = Ipv4Prefix.parseAddress(ROUTER);
        int server = Ipv4Prefix.parseAddress(SERVER);
        return datagrams.stream().filter(d -> d.source() == server && d.destination() == router
                && d.sourcePort() == NAT_T_PORT && d.destinationPort() == port
                && d.payload().length > NON_ESP_MARKER_LENGTH && ByteBuffer.wrap(d.payload()).getInt(0) != 0)
                .count();
    }

    private static String serverConfig() {
        return "instance: server\nrole: server\nlocal: " + SERVER + "/24\npeers:\n"
                + "  - name: client\n    address: " + ROUTER + "\n"
                + "    ike: {psk: " + IkeScenarioTest.PSK + ", local_id: server.espgw.test,"
                + " remote_id: client.espgw.test, remote_ts: [" + CLIENT + "/32], lifetimes: {dpd_seconds: 2}}\n";
    }

    private static String clientConfig() {
        return "instance: client\nrole: client\nlocal: " + CLIENT + "/24\npeers:\n"
                + "  - name: server\n    address: " + SERVER + "\n"
                + "    ike: {psk: " + IkeScenarioTest.PSK + ", local_id: client.espgw.test,"
                + " remote_id: server.espgw.test, initiate: true, lifetimes: {dpd_seconds: 2}}\n";
    }
}
