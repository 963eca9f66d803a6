package espgw.scenario;

import static espgw.scenario.ScenarioSupport.assertPing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.lab.Lab;
import espgw.metrics.StatusJson;
import espgw.metrics.StatusReport;
import espgw.scenario.SameSubnetScenarioTest.Hosts;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * RFC 4301 §5.2 in seed scenario 2: an authenticated peer that puts an inner packet from an address
 * outside its SA's selectors into the tunnel gets it dropped at the other end and counted as
 * {@code ts_mismatch}, in both directions, while the peer's own traffic keeps flowing. Each gateway
 * is made to encrypt such a packet by its host alone: an extra address on loopback, and a ping bound
 * to it (the client's DNAT, or on the server a policy route, sends it into the tunnel).
 */
class ForgedSourceScenarioTest {
    static final String CLIENT = SameSubnetScenarioTest.CLIENT;
    static final String SERVER = SameSubnetScenarioTest.SERVER;
    /** Another host on the LAN, whose address the client claims. */
    static final String FORGED_BY_CLIENT = "10.0.0.162";
    /** Another host on the LAN, whose address the server claims. */
    static final String FORGED_BY_SERVER = "10.0.0.170";
    static final int FORGED_PINGS = 3;
    /** A routing table of the test's own, for the server's route into the tunnel. */
    static final String FORGERY_TABLE = "100";

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
    }

    @ParameterizedTest
    @EnumSource(names = {"MANUAL", "IKE_PSK"})
    void aForgedInnerSourceIsDroppedAndCountedAtTheOtherEnd(Keying keying) throws Exception {
        ScenarioKeys keys = new ScenarioKeys(keying, dir);
        try (Lab lab = new Lab(keying.ike ? "tsi" : "ts", dir)) {
            Hosts hosts = Hosts.onOneLan(lab);
            String client = hosts.client();
            String server = hosts.server();
            Lab.Gateway serverGateway = lab.startGateway(server, lab.config("server",
                    SameSubnetScenarioTest.serverConfig(keys)));
            Lab.Gateway clientGateway = lab.startGateway(client, lab.config("client",
                    SameSubnetScenarioTest.clientConfig(keys)));
            keys.awaitUp(clientGateway, "server");
            keys.awaitUp(serverGateway, "client");

            assertPing(lab, client, SERVER);
            assertEquals(0L, tsMismatches(lab, server), "the client's own traffic is within its selectors");
            assertEquals(0L, tsMismatches(lab, client), "the server's replies are within its selectors");

            lab.exec(client, "ip", "addr", "add", FORGED_BY_CLIENT + "/32", "dev", "lo");
            assertForgedPingLost(lab, client, FORGED_BY_CLIENT, SERVER);
            assertEquals((long) FORGED_PINGS, tsMismatches(lab, server), "the client's forged pings, at the server");

            // The server's gateway sends to the client's real address only what is routed into its TUN.
            lab.exec(server, "ip", "addr", "add", FORGED_BY_SERVER + "/32", "dev", "lo");
            lab.exec(server, "ip", "rule", "add", "from", FORGED_BY_SERVER, "table", FORGERY_TABLE);
            lab.exec(server, "ip", "route", "add", CLIENT + "/32", "dev", "server", "table", FORGERY_TABLE);
            assertForgedPingLost(lab, server, FORGED_BY_SERVER, CLIENT);
            assertEquals((long) FORGED_PINGS, tsMismatches(lab, client), "the server's forged pings, at the client");

            assertPing(lab, client, SERVER);
            assertEquals((long) FORGED_PINGS, tsMismatches(lab, server), "nothing but the forgeries dropped");
            assertEquals((long) FORGED_PINGS, tsMismatches(lab, client), "nothing but the forgeries dropped");
            assertEquals(0, clientGateway.stop(), clientGateway.output());
            assertEquals(0, serverGateway.stop(), serverGateway.output());
        }
    }

    /** Every ping from {@code forged} crosses the tunnel and none is answered. */
    private static void assertForgedPingLost(Lab lab, String ns, String forged, String to) {
        Lab.Result ping = lab.tryExec(ns, "ping", "-n", "-c", Integer.toString(FORGED_PINGS), "-i", "0.2", "-W", "1",
                "-I", forged, to);
        assertTrue(ping.output().contains(FORGED_PINGS + " packets transmitted, 0 received"), ping.output());
    }

    private static long tsMismatches(Lab lab, String ns) throws IOException {
        String json = lab.espgw(ns, "status", "--json").output();
        StatusReport report = StatusJson.read(json.substring(json.indexOf('{')));
        return report.drops().get("ts_mismatch");
    }
}
