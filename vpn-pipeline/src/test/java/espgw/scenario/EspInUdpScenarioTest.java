package espgw.scenario;

import static espgw.scenario.ScenarioSupport.MARKER;
import static espgw.scenario.ScenarioSupport.PING_MARKER;
import static espgw.scenario.ScenarioSupport.assertPing;
import static espgw.scenario.ScenarioSupport.assertTcp;
import static espgw.scenario.ScenarioSupport.assertUdp;
import static espgw.scenario.ScenarioSupport.sa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.daemon.Gateway;
import espgw.lab.Lab;
import espgw.lab.LabTraffic;
import espgw.lab.PcapSummary;
import espgw.lab.WireCapture;
import espgw.metrics.StatusJson;
import espgw.metrics.StatusReport;
import espgw.nat.Ipv4Prefix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed scenario 2 with ESP in UDP (RFC 3948) at both ends: everything between client and server
 * crosses the wire as ESP inside UDP on port 4500 — no bare ESP, nothing else — both ways, idle
 * peers get NAT-keepalives, and the hosts are as before once the gateways are down.
 */
class EspInUdpScenarioTest {
    private static final String CLIENT = SameSubnetScenarioTest.CLIENT;
    private static final String SERVER = SameSubnetScenarioTest.SERVER;

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
    }

    /**
     * The client's event loop never busy-polls and the server's does (the default), so this
     * scenario shows that a loop misses nothing either way.
     */
    static String clientConfig() {
        return "instance: client\nrole: client\nlocal: " + CLIENT + "/24\n"
                + "tunnel: {nat_keepalive: 1, busy_poll: 0}\npeers:\n"
                + "  - name: server\n    address: " + SERVER + "\n    encapsulation: udp\n"
                + sa(0x1001, 0x2001, "aes-gcm-128");
    }

    static String serverConfig() {
        return "instance: server\nrole: server\nlocal: " + SERVER + "/24\ntunnel: {nat_keepalive: 1}\npeers:\n"
                + "  - name: client\n    address: " + CLIENT + "\n    encapsulation: udp\n"
                + sa(0x2001, 0x1001, "aes-gcm-128");
    }

    @Test
    void pingTcpAndUdpBothWaysCrossOnlyAsEspInUdpAndTheHostsAreRestored() throws Exception {
        try (Lab lab = new Lab("eu", dir)) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            String client = hosts.client();
            String server = hosts.server();
            String clientBefore = lab.hostState(client);
            String serverBefore = lab.hostState(server);

            Path pcap = dir.resolve("wire.pcap");
            Lab.Gateway serverGateway = lab.startGateway(server, lab.config("server", serverConfig()));
            Lab.Gateway clientGateway = lab.startGateway(client, lab.config("client", clientConfig()));
            try (WireCapture capture = WireCapture.start(lab.lan(), Lab.LAN_BRIDGE, pcap)) {
                assertPing(lab, client, SERVER);
                assertTcp(client, server, SERVER, 5001, ScenarioSupport.TRANSFER_BYTES);
                assertUdp(client, server, SERVER, 5001);
                LabTraffic.Transfer download = LabTraffic.tcpFromServer(client, server, SERVER, 5002,
                        ScenarioSupport.TRANSFER_BYTES, MARKER, 120);
                assertTrue(download.intact(), "bulk from the server's side corrupted: " + download);
            }
            int a = Ipv4Prefix.parseAddress(CLIENT);
            int b = Ipv4Prefix.parseAddress(SERVER);
            PcapSummary wire = PcapSummary.read(pcap, a, b, MARKER);
            assertTrue(wire.onlyEspInUdp(), "the wire between the gateways: " + wire);
            assertEquals(0, PcapSummary.read(pcap, a, b, PING_MARKER).markerHits(), "ping payload in clear text");

            Thread.sleep(3_000); // idle: each side sends a NAT-keepalive a second, the other counts them
            StatusReport report = status(lab, client);
            assertTrue(report.drops().get("nat_keepalive") >= 1, "from the busy-polling server: " + report.drops());
            Map<String, Long> serverDrops = status(lab, server).drops();
            assertTrue(serverDrops.get("nat_keepalive") >= 1, "from the client: " + serverDrops);
            assertEquals(0L, report.drops().get("ike_unknown_peer"), report.drops().toString());
            assertEquals(0L, report.drops().get("malformed"), report.drops().toString());
            assertEquals(0L, report.drops().get("send_failed"), report.drops().toString());
            assertTrue(clientGateway.output().contains("ESP in UDP on port 4500"), clientGateway.output());
            assertFalse(clientGateway.output().contains("polls for packets"), clientGateway.output());
            assertTrue(serverGateway.output().contains("polls for packets 1000 µs"), serverGateway.output());

            assertEquals(0, clientGateway.stop(), clientGateway.output());
            assertEquals(0, serverGateway.stop(), serverGateway.output());
            assertEquals(clientBefore, lab.hostState(client), "client host state after stop");
            assertEquals(serverBefore, lab.hostState(server), "server host state after stop");
        }
    }

    @Test
    void theTunnelMtuLeavesRoomForTheUdpHeader() throws Exception {
        try (Lab lab = new Lab("eum", dir)) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            lab.startGateway(hosts.server(), lab.config("server", serverConfig()));
            lab.startGateway(hosts.client(), lab.config("client", clientConfig()));
            int mtu = Gateway.innerMtu(1500 - 8);
            Lab.Result fits = lab.tryExec(hosts.client(), "ping", "-n", "-c", "1", "-W", "3", "-M", "do", "-s",
                    Integer.toString(mtu - 28), SERVER);
            assertEquals(0, fits.exitCode(), "a packet of exactly the tunnel MTU " + mtu + " passes: " + fits.output());
        }
    }

    private static StatusReport status(Lab lab, String ns) throws IOException {
        String json = lab.espgw(ns, "status", "--json").output();
        return StatusJson.read(json.substring(json.indexOf('{')));
    }
}
