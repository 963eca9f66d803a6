package espgw.scenario;

import static espgw.scenario.ScenarioSupport.SMALL_TRANSFER_BYTES;
import static espgw.scenario.ScenarioSupport.allAtOnce;
import static espgw.scenario.ScenarioSupport.assertPing;
import static espgw.scenario.ScenarioSupport.assertTcp;
import static espgw.scenario.ScenarioSupport.assertUdp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.lab.Lab;
import espgw.lab.WireCapture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One client, three servers on its own /24, all used at the same time through the one DNAT rule
 * and its map of three offset addresses. Only ESP crosses the LAN; every host is restored. Keyed
 * manually and by IKEv2 ({@link Keying}): then the client runs three IKE SAs at once.
 */
class ManyServersScenarioTest {
    static final String CLIENT = "10.0.0.161";
    static final List<String> SERVERS = List.of("10.0.0.160", "10.0.0.162", "10.0.0.170");

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
    }

    private static String clientConfig(ScenarioKeys keys) throws IOException {
        StringBuilder yaml = new StringBuilder("instance: client\nrole: client\nlocal: " + CLIENT + "/24\npeers:\n");
        for (int i = 0; i < SERVERS.size(); i++) {
            yaml.append("  - name: server").append(i).append("\n    address: ").append(SERVERS.get(i)).append('\n')
                    .append(keys.peer("client", "server" + i, 0x1001 + i, 0x2001 + i, true));
        }
        return yaml.toString();
    }

    private static String serverConfig(ScenarioKeys keys, int i) throws IOException {
        return "instance: server" + i + "\nrole: server\nlocal: " + SERVERS.get(i) + "/24\npeers:\n"
                + "  - name: client\n    address: " + CLIENT + "\n"
                + keys.peer("server" + i, "client", 0x2001 + i, 0x1001 + i, false);
    }

    /** With keys from IKEv2 too: a PSK, the client initiating with all three servers, bare ESP. */
    @ParameterizedTest
    @EnumSource(names = {"MANUAL", "IKE_PSK"})
    void threeServersAtOnceThroughOneDnatRule(Keying keying) throws Exception {
        ScenarioKeys keys = new ScenarioKeys(keying, dir);
        try (Lab lab = new Lab(keying.ike ? "smi" : "sm", dir)) {
            String client = lab.host("c");
            lab.joinLan(client, "eth0", CLIENT + "/24");
            List<String> servers = new ArrayList<>();
            for (int i = 0; i < SERVERS.size(); i++) {
                String server = lab.host("s" + i);
                lab.joinLan(server, "eth0", SERVERS.get(i) + "/24");
                servers.add(server);
            }
            String clientBefore = lab.hostState(client);
            List<String> serversBefore = servers.stream().map(lab::hostState).toList();

            List<Lab.Gateway> serverGateways = new ArrayList<>();
            for (int i = 0; i < servers.size(); i++) {
                serverGateways.add(lab.startGateway(servers.get(i), lab.config("server" + i, serverConfig(keys, i))));
            }
            Lab.Gateway clientGateway = lab.startGateway(client, lab.config("client", clientConfig(keys)));
            keys.awaitUp(clientGateway, "server0", "server1", "server2");
            for (Lab.Gateway gateway : serverGateways) {
                keys.awaitUp(gateway, "client");
            }

            String nft = lab.exec(client, "nft", "list", "table", "ip", "espgw");
            assertEquals(1, count(Pattern.compile("\\bdnat\\b"), nft), "exactly one DNAT rule:\n" + nft);
            Matcher map = Pattern.compile("map peer_offset \\{[^}]*elements = \\{([^}]*)\\}").matcher(nft);
            assertTrue(map.find(), "the peer_offset map:\n" + nft);
            for (String server : SERVERS) {
                String offset = "10.0.1." + server.substring(server.lastIndexOf('.') + 1);
                assertTrue(map.group(1).contains(server + " : " + offset), server + " maps to " + offset + ":\n" + nft);
            }
            assertEquals(SERVERS.size(), count(Pattern.compile(":"), map.group(1)), "three map elements:\n" + nft);

            Path pcap = dir.resolve("lan.pcap");
            try (WireCapture capture = WireCapture.start(lab.lan(), Lab.LAN_BRIDGE, pcap)) {
                // The TCP transfers all at once, then ping and UDP all at once (see assertUdp).
                List<Callable<Void>> bulk = new ArrayList<>();
                List<Callable<Void>> light = new ArrayList<>();
                for (int i = 0; i < servers.size(); i++) {
                    String server = servers.get(i);
                    String address = SERVERS.get(i);
                    int port = 5101 + i;
                    bulk.add(() -> {
                        assertTcp(client, server, address, port, SMALL_TRANSFER_BYTES);
                        return null;
                    });
                    light.add(() -> {
                        assertPing(lab, client, address);
                        assertUdp(client, server, address, port);
                        return null;
                    });
                }
                allAtOnce(bulk);
                allAtOnce(light);
            }
            for (String server : SERVERS) {
                keys.assertOnlyEsp(pcap, CLIENT, server);
            }

            assertEquals(0, clientGateway.stop(), clientGateway.output());
            for (Lab.Gateway gateway : serverGateways) {
                assertEquals(0, gateway.stop(), gateway.output());
            }
            assertEquals(clientBefore, lab.hostState(client), "client host state after stop");
            for (int i = 0; i < servers.size(); i++) {
                assertEquals(serversBefore.get(i), lab.hostState(servers.get(i)), "server " + SERVERS.get(i) + " after stop");
            }
        }
    }

    private static int count(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
