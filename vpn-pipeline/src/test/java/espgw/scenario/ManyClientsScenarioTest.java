package espgw.scenario;

import static espgw.scenario.ScenarioSupport.MARKER;
import static espgw.scenario.ScenarioSupport.SMALL_TRANSFER_BYTES;
import static espgw.scenario.ScenarioSupport.allAtOnce;
import static espgw.scenario.ScenarioSupport.assertPing;
import static espgw.scenario.ScenarioSupport.assertTcp;
import static espgw.scenario.ScenarioSupport.assertUdp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.lab.Lab;
import espgw.lab.WireCapture;
import espgw.nat.Ipv4Prefix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One server serving many clients at once: three client gateways, and one client gateway carrying
 * a hundred inner source addresses, each of which the server sees as its own fake address from
 * the client pool. The hundred addresses are declared as the client's {@code networks} (and with
 * IKE in its {@code local_ts}): the server admits no inner source its SA with the client does not
 * cover (RFC 4301 §5.2). Only ESP crosses the LAN; every host is restored. Keyed manually and by
 * IKEv2 ({@link Keying}).
 */
class ManyClientsScenarioTest {
    static final String SERVER = "10.0.0.160";
    static final List<String> CLIENTS = List.of("10.0.0.161", "10.0.0.162", "10.0.0.163");
    static final int SOURCE_COUNT = 100;
    /** Holds the hundred source addresses .10 to .109, clear of the server .160 and the gateway .161. */
    static final String SOURCE_NETWORK = "10.0.0.0/25";
    static final Ipv4Prefix CLIENT_POOL = Ipv4Prefix.parse("100.64.0.0/16");

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
    }

    private static String clientConfig(ScenarioKeys keys, int i) throws IOException {
        return "instance: client" + i + "\nrole: client\nlocal: " + CLIENTS.get(i) + "/24\npeers:\n"
                + "  - name: server\n    address: " + SERVER + "\n"
                + keys.peer("client" + i, "server", 0x1001 + i, 0x2001 + i, true);
    }

    private static String serverConfig(ScenarioKeys keys, int clientCount) throws IOException {
        StringBuilder yaml = new StringBuilder("instance: server\nrole: server\nlocal: " + SERVER + "/24\npeers:\n");
        for (int i = 0; i < clientCount; i++) {
            yaml.append("  - name: client").append(i).append("\n    address: ").append(CLIENTS.get(i)).append('\n')
                    .append(keys.peer("server", "client" + i, 0x2001 + i, 0x1001 + i, false));
        }
        return yaml.toString();
    }

    /**
     * With keys from IKEv2 too: the server has an IKE section (PSK, its own identities) per client,
     * all three clients start and initiate at once, ESP and IKE in UDP on port 4500.
     */
    @ParameterizedTest
    @EnumSource(names = {"MANUAL", "IKE_PSK_ESP_IN_UDP"})
    void threeClientGatewaysAtOnce(Keying keying) throws Exception {
        ScenarioKeys keys = new ScenarioKeys(keying, dir);
        try (Lab lab = new Lab(keying.ike ? "sci" : "sc", dir)) {
            String server = lab.host("s");
            lab.joinLan(server, "eth0", SERVER + "/24");
            List<String> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS.size(); i++) {
                String client = lab.host("c" + i);
                lab.joinLan(client, "eth0", CLIENTS.get(i) + "/24");
                clients.add(client);
            }
            String serverBefore = lab.hostState(server);
            List<String> clientsBefore = clients.stream().map(lab::hostState).toList();

            Lab.Gateway serverGateway = lab.startGateway(server,
                    lab.config("server", serverConfig(keys, CLIENTS.size())));
            // Started at once: with IKE, the server answers three IKE_SA_INITs at the same moment.
            Lab.Gateway[] started = new Lab.Gateway[clients.size()];
            List<Callable<Void>> starts = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                int n = i;
                Path config = lab.config("client" + i, clientConfig(keys, i));
                starts.add(() -> {
                    started[n] = lab.startGateway(clients.get(n), config);
                    return null;
                });
            }
            allAtOnce(starts);
            List<Lab.Gateway> clientGateways = List.of(started);
            for (Lab.Gateway gateway : clientGateways) {
                keys.awaitUp(gateway, "server");
            }
            keys.awaitUp(serverGateway, "client0", "client1", "client2");

            Path pcap = dir.resolve("lan.pcap");
            try (WireCapture capture = WireCapture.start(lab.lan(), Lab.LAN_BRIDGE, pcap)) {
                // The TCP transfers all at once, then ping and UDP all at once (see assertUdp).
                List<Callable<Void>> bulk = new ArrayList<>();
                List<Callable<Void>> light = new ArrayList<>();
                for (int i = 0; i < clients.size(); i++) {
                    String client = clients.get(i);
                    int port = 5201 + i;
                    bulk.add(() -> {
                        assertTcp(client, server, SERVER, port, SMALL_TRANSFER_BYTES);
                        return null;
                    });
                    light.add(() -> {
                        assertPing(lab, client, SERVER);
                        assertUdp(client, server, SERVER, port);
                        return null;
                    });
                }
                allAtOnce(bulk);
                allAtOnce(light);
            }
            for (String client : CLIENTS) {
                keys.assertOnlyEsp(pcap, client, SERVER);
            }

            for (Lab.Gateway gateway : clientGateways) {
                assertEquals(0, gateway.stop(), gateway.output());
            }
            assertEquals(0, serverGateway.stop(), serverGateway.output());
            assertEquals(serverBefore, lab.hostState(server), "server host state after stop");
            for (int i = 0; i < clients.size(); i++) {
                assertEquals(clientsBefore.get(i), lab.hostState(clients.get(i)), "client " + CLIENTS.get(i) + " after stop");
            }
        }
    }

    /** With keys from IKEv2 too: a PSK, bare ESP. */
    @ParameterizedTest
    @EnumSource(names = {"MANUAL", "IKE_PSK"})
    void aHundredClientAddressesAtOnceEachGetTheirOwnFakeAddress(Keying keying) throws Exception {
        ScenarioKeys keys = new ScenarioKeys(keying, dir);
        try (Lab lab = new Lab(keying.ike ? "shi" : "sh", dir)) {
            String server = lab.host("s");
            String client = lab.host("c");
            lab.joinLan(server, "eth0", SERVER + "/24");
            lab.joinLan(client, "eth0", CLIENTS.get(0) + "/24");
            List<String> sources = new ArrayList<>();
            for (int i = 0; i < SOURCE_COUNT; i++) {
                String source = "10.0.0." + (10 + i); // in SOURCE_NETWORK
                lab.exec(client, "ip", "addr", "add", source + "/24", "dev", "eth0");
                sources.add(source);
            }
            String serverBefore = lab.hostState(server);
            String clientBefore = lab.hostState(client);

            String address = "    address: " + CLIENTS.get(0) + "\n";
            Lab.Gateway serverGateway = lab.startGateway(server, lab.config("server", serverConfig(keys, 1)
                    .replace(address, address + "    networks: [" + SOURCE_NETWORK + "]\n")));
            String localTs = "      local_ts: [" + CLIENTS.get(0) + "/32, " + SOURCE_NETWORK + "]\n";
            Lab.Gateway clientGateway = lab.startGateway(client, lab.config("client0",
                    clientConfig(keys, 0) + (keying.ike ? localTs : "")));
            keys.awaitUp(clientGateway, "server");
            keys.awaitUp(serverGateway, "client0");

            Path pcap = dir.resolve("lan.pcap");
            UdpFromManyAddresses.Outcome outcome;
            try (WireCapture capture = WireCapture.start(lab.lan(), Lab.LAN_BRIDGE, pcap)) {
                assertPing(lab, client, SERVER);
                outcome = UdpFromManyAddresses.exchange(client, sources, server, SERVER, 5301, MARKER);
            }
            assertEquals(SOURCE_COUNT, outcome.echoed(), "sockets that got their own datagram back");
            assertEquals(SOURCE_COUNT, outcome.sourcesSeenByServer().size(),
                    "distinct sources seen by the server: " + outcome.sourcesSeenByServer());
            for (String seen : outcome.sourcesSeenByServer()) {
                assertTrue(CLIENT_POOL.contains(Ipv4Prefix.parseAddress(seen)), seen + " is a fake address from " + CLIENT_POOL);
            }
            keys.assertOnlyEsp(pcap, CLIENTS.get(0), SERVER);

            assertEquals(0, clientGateway.stop(), clientGateway.output());
            assertEquals(0, serverGateway.stop(), serverGateway.output());
            assertEquals(clientBefore, lab.hostState(client), "client host state after stop");
            assertEquals(serverBefore, lab.hostState(server), "server host state after stop");
        }
    }
}
