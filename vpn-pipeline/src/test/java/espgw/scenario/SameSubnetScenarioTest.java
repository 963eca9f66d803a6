package espgw.scenario;

import static espgw.scenario.ScenarioSupport.MARKER;
import static espgw.scenario.ScenarioSupport.assertPing;
import static espgw.scenario.ScenarioSupport.assertTcpAndUdp;
import static espgw.scenario.ScenarioSupport.sa;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.lab.Lab;
import espgw.metrics.StatusJson;
import espgw.metrics.StatusReport;
import espgw.lab.PcapSummary;
import espgw.lab.WireCapture;
import espgw.nat.Ipv4Prefix;
import espgw.daemon.Gateway;
import espgw.linux.netns.NetNamespace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seed scenario 2 exactly: client 10.0.0.161 and server 10.0.0.160 on one /24. Everything between
 * them crosses the wire as ESP; the host is as before once the gateways are down. Keyed manually,
 * and in the first test also by IKEv2 ({@link Keying}).
 */
class SameSubnetScenarioTest {
    static final String CLIENT = "10.0.0.161";
    static final String SERVER = "10.0.0.160";
    /** Each config up to the keying lines of its one peer. */
    private static final String CLIENT_PEERS = "instance: client\nrole: client\nlocal: " + CLIENT + "/24\npeers:\n"
            + "  - name: server\n    address: " + SERVER + "\n";
    private static final String SERVER_PEERS = "instance: server\nrole: server\nlocal: " + SERVER + "/24\npeers:\n"
            + "  - name: client\n    address: " + CLIENT + "\n";

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
    }

    /** The client and server namespaces of seed scenario 2, both plugged into the lab's LAN. */
    record Hosts(String client, String server) {
        static Hosts onOneLan(Lab lab) {
            Hosts hosts = new Hosts(lab.host("c"), lab.host("s"));
            lab.joinLan(hosts.client, "eth0", CLIENT + "/24");
            lab.joinLan(hosts.server, "eth0", SERVER + "/24");
            return hosts;
        }
    }

    static String clientConfig(String algorithm) {
        return CLIENT_PEERS + sa(0x1001, 0x2001, algorithm);
    }

    static String serverConfig(String algorithm) {
        return SERVER_PEERS + sa(0x2001, 0x1001, algorithm);
    }

    static String clientConfig(ScenarioKeys keys) throws IOException {
        return CLIENT_PEERS + keys.peer("client", "server", 0x1001, 0x2001, true);
    }

    static String serverConfig(ScenarioKeys keys) throws IOException {
        return SERVER_PEERS + keys.peer("server", "client", 0x2001, 0x1001, false);
    }

    /**
     * With keys from IKEv2 too: certificates from one CA, the client initiating, bare ESP; and a
     * pre-shared key with ESP and IKE in UDP to a client that routes to the server ({@code
     * same_subnet: route}), so IKE too must escape the tunnel's host route by espgw's mark.
     */
    @ParameterizedTest(name = "{0}, same_subnet: {1}")
    @CsvSource({"MANUAL, offset", "IKE_CERTIFICATES, offset", "IKE_PSK_ESP_IN_UDP, route"})
    void pingTcpAndUdpCrossOnlyAsEspAndTheHostsAreRestored(Keying keying, String sameSubnet) throws Exception {
        ScenarioKeys keys = new ScenarioKeys(keying, dir);
        try (Lab lab = new Lab(keying.ike ? "s2i" : "s2", dir)) {
            Hosts hosts = Hosts.onOneLan(lab);
            String client = hosts.client();
            String server = hosts.server();
            String clientBefore = lab.hostState(client);
            String serverBefore = lab.hostState(server);

            Path pcap = dir.resolve("wire.pcap");
            Lab.Gateway serverGateway = lab.startGateway(server, lab.config("server", serverConfig(keys)));
            Lab.Gateway clientGateway = lab.startGateway(client,
                    lab.config("client", "same_subnet: " + sameSubnet + "\n" + clientConfig(keys)));
            keys.awaitUp(clientGateway, "server");
            keys.awaitUp(serverGateway, "client");
            try (WireCapture capture = WireCapture.start(lab.lan(), Lab.LAN_BRIDGE, pcap)) {
                assertPing(lab, client, SERVER);
                assertTcpAndUdp(client, server, SERVER, 5001);
            }
            keys.assertOnlyEsp(pcap, CLIENT, SERVER);

            List<String> spis = ScenarioKeys.loggedSpis(clientGateway, "server");
            if (!keying.ike) {
                assertEquals(List.of("0x00001001", "0x00002001"), spis, clientGateway.output());
            }
            String status = lab.espgw(client, "status").output();
            assertTrue(status.contains("server") && spis.size() == 2 && status.contains(spis.get(0))
                    && status.contains(spis.get(1)), spis + "\n" + status);
            String json = lab.espgw(client, "status", "--json").output();
            StatusReport report = StatusJson.read(json.substring(json.indexOf('{')));
            assertEquals("client", report.instance(), json);
            assertEquals(0L, report.drops().get("malformed"), "nothing but IPv4 enters the tunnel: " + json);

            assertEquals(0, clientGateway.stop(), clientGateway.output());
            assertEquals(0, serverGateway.stop(), serverGateway.output());
            assertEquals(clientBefore, lab.hostState(client), "client host state after down");
            assertEquals(serverBefore, lab.hostState(server), "server host state after down");
        }
    }

    @Test
    void chacha20Poly1305TunnelWorksToo() throws Exception {
        try (Lab lab = new Lab("s2c", dir)) {
            Hosts hosts = Hosts.onOneLan(lab);
            String client = hosts.client();
            String server = hosts.server();
            lab.startGateway(server, lab.config("server", serverConfig("chacha20-poly1305")));
            lab.startGateway(client, lab.config("client", clientConfig("chacha20-poly1305")));
            assertPing(lab, client, SERVER);
        }
    }

    /**
     * Hosts with more addresses than the gateway's own (a service address on lo, as strongSwan's
     * kernel-libipsec setups add): what the host itself sends into the tunnel
     * still leaves from the gateway's address. A UDP server bound to the wildcard answers from the
     * address the kernel picks for the route back, and the peer admits only the gateway's address
     * as the inner source; the echo fails if the kernel picks the one on lo.
     */
    @ParameterizedTest
    @ValueSource(strings = {"offset", "route"})
    void theHostsOwnTrafficLeavesFromTheGatewaysAddressWhateverElseItHas(String sameSubnet) throws Exception {
        try (Lab lab = new Lab(sameSubnet.equals("route") ? "s2ar" : "s2ao", dir)) {
            Hosts hosts = Hosts.onOneLan(lab);
            String client = hosts.client();
            String server = hosts.server();
            lab.exec(client, "ip", "addr", "add", "10.5.0.2/32", "dev", "lo");
            lab.exec(server, "ip", "addr", "add", "10.5.0.1/32", "dev", "lo");
            lab.startGateway(server, lab.config("server", serverConfig("aes-gcm-128")));
            lab.startGateway(client, lab.config("client", "same_subnet: " + sameSubnet + "\n" + clientConfig("aes-gcm-128")));
            assertPing(lab, client, SERVER);
            assertTcpAndUdp(client, server, SERVER, 5001);
        }
    }

    @Test
    void aLocalAddressTheHostDoesNotHaveStopsTheStartAndLeavesTheHostAsItWas() throws Exception {
        try (Lab lab = new Lab("s2n", dir)) {
            String client = Hosts.onOneLan(lab).client();
            String before = lab.hostState(client);
            String yaml = clientConfig("aes-gcm-128").replace("local: " + CLIENT + "/", "local: 10.0.0.99/");
            Lab.Result up = lab.espgw(client, "up", "-c", lab.config("client", yaml).toString());
            assertNotEquals(0, up.exitCode(), up.output());
            assertTrue(up.output().contains("local: 10.0.0.99 is not an address of this host"), up.output());
            assertEquals(before, lab.hostState(client));
        }
    }

    /**
     * Both ways of steering a same-subnet peer into the tunnel ({@code same_subnet}): the seed's DNAT
     * to the offset address, and a host route into the tunnel without NAT; the server as before.
     */
    @ParameterizedTest
    @ValueSource(strings = {"offset", "route"})
    void onlyEspCrossesAKilledGatewayLeaksNothingAndDownRestoresTheHost(String sameSubnet) throws Exception {
        boolean routed = sameSubnet.equals("route");
        try (Lab lab = new Lab(routed ? "s2r" : "s2k", dir)) {
            Hosts hosts = Hosts.onOneLan(lab);
            String client = hosts.client();
            String server = hosts.server();
            String clientBefore = lab.hostState(client);
            lab.startGateway(server, lab.config("server", serverConfig("aes-gcm-128")));
            Lab.Gateway clientGateway = lab.startGateway(client,
                    lab.config("client", "same_subnet: " + sameSubnet + "\n" + clientConfig("aes-gcm-128")));
            String note = routed ? "(same subnet, routed)" : "(same subnet, via 10.0.1.160)";
            assertTrue(clientGateway.output().contains(note), clientGateway.output());
            String status = lab.espgw(client, "status").output();
            assertTrue(status.contains("endpoint: " + SERVER + " " + note), status);
            String nft = lab.exec(client, "nft", "list", "table", "ip", "espgw");
            assertEquals(!routed, nft.contains("dnat"), "DNAT only with same_subnet: offset: " + nft);
            Path pcap = dir.resolve("steered.pcap");
            try (WireCapture capture = WireCapture.start(lab.lan(), Lab.LAN_BRIDGE, pcap)) {
                assertPing(lab, client, SERVER);
                assertTcpAndUdp(client, server, SERVER, 5001);
            }
            ScenarioSupport.assertOnlyEsp(pcap, CLIENT, SERVER);

            assertKilledGatewayLeaksNothing(lab, client, clientGateway, clientBefore);
        }
    }

    /** Kills the client's gateway, tries to reach the server, then undoes the host with {@code espgw down}. */
    private void assertKilledGatewayLeaksNothing(Lab lab, String client, Lab.Gateway clientGateway, String clientBefore)
            throws Exception {
        Path pcap = dir.resolve("killed.pcap");
        try (WireCapture capture = WireCapture.start(lab.lan(), Lab.LAN_BRIDGE, pcap);
             DatagramChannel sender = NetNamespace.call(client, DatagramChannel::open)) {
            sender.connect(new InetSocketAddress(SERVER, 5002));
            ByteBuffer payload = ByteBuffer.wrap((MARKER + " during the crash").getBytes(StandardCharsets.US_ASCII));
            clientGateway.kill();
            assertFalse(clientGateway.isAlive());
            for (int i = 0; i < 50; i++) {
                try {
                    sender.write(payload.rewind());
                } catch (IOException e) {
                    // EPERM from the guard's drop: refused is fine, leaking is not
                }
                Thread.sleep(10);
            }
            assertNotEquals(0, lab.tryExec(client, "ping", "-n", "-c", "2", "-W", "1", "-p",
                    ScenarioSupport.PING_PATTERN, SERVER).exitCode(),
                    "ping must not get through while the gateway is dead");
        }
        PcapSummary wire = PcapSummary.read(pcap, Ipv4Prefix.parseAddress(CLIENT), Ipv4Prefix.parseAddress(SERVER), MARKER);
        assertEquals(0, wire.clearBetween(), "clear text while the client gateway was dead: " + wire);
        assertEquals(0, wire.markerHits(), "marker on the wire while the client gateway was dead: " + wire);

        String down = lab.down(client, "client");
        assertTrue(down.contains("undid"), down);
        assertEquals(clientBefore, lab.hostState(client), "client host state after espgw down");
    }

    @Test
    void tooBigWithDontFragmentGetsFragmentationNeeded() throws Exception {
        try (Lab lab = new Lab("s2m", dir)) {
            Hosts hosts = Hosts.onOneLan(lab);
            String client = hosts.client();
            String server = hosts.server();
            lab.startGateway(server, lab.config("server", serverConfig("aes-gcm-128")));
            lab.startGateway(client, lab.config("client", clientConfig("aes-gcm-128")));
            int mtu = Gateway.innerMtu(1500);
            Lab.Result fits = lab.tryExec(client, "ping", "-n", "-c", "1", "-W", "3", "-M", "do", "-s",
                    Integer.toString(mtu - 28), SERVER);
            assertEquals(0, fits.exitCode(), "a packet of exactly the tunnel MTU passes: " + fits.output());
            Lab.Result tooBig = lab.tryExec(client, "ping", "-n", "-c", "1", "-W", "3", "-M", "do", "-s",
                    Integer.toString(mtu - 28 + 1), SERVER);
            assertTrue(tooBig.output().contains("mtu=" + mtu) || tooBig.output().contains("Frag needed"),
                    "expected fragmentation needed with mtu " + mtu + ": " + tooBig.output());
        }
    }
}
