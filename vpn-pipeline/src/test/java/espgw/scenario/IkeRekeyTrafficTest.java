package espgw.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.lab.Lab;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 6, must-show 2 between two espgw gateways (seed scenario 2's LAN, namespaces {@code ikt...}):
 * both ends rekey on their own short timers — the client its CHILD SA every ~5 s and its IKE SA
 * every ~12 s, the server every ~6 s and ~14 s, so the two ends' rekeys also cross (§2.8.1) —
 * during 30 s of a ping every 0.1 s and a paced TCP stream. Every ping is answered, the stream
 * arrives byte for byte, TCP loses no segment, and neither gateway drops a packet: the old SAs carry
 * traffic until the new ones are in place on both ends (make-before-break, §2.8).
 */
class IkeRekeyTrafficTest {
    private static final int TCP_PORT = 5021;

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
    }

    @ParameterizedTest(name = "encapsulation: {0}")
    @ValueSource(strings = {"none", "udp"})
    void rekeysOnBothEndsLoseNoPingAndNoTcpSegment(String encapsulation) throws Exception {
        try (Lab lab = new Lab("ikt", dir)) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            String psk = IkeScenarioTest.PSK;
            Lab.Gateway server = lab.startGateway(hosts.server(), lab.config("server",
                    IkeScenarioTest.serverConfig(psk, encapsulation) + lifetimes(6, 14)));
            Lab.Gateway client = lab.startGateway(hosts.client(), lab.config("client",
                    IkeScenarioTest.clientConfig(psk, encapsulation) + lifetimes(5, 12)));
            IkeScenarioTest.awaitOutput(client, "IKE SA up: peer server");
            IkeScenarioTest.awaitOutput(server, "IKE SA up: peer client");

            SteadyTraffic.Result traffic = SteadyTraffic.run(lab, hosts.client(), IkeScenarioTest.CLIENT,
                    hosts.server(), IkeScenarioTest.SERVER, TCP_PORT, running -> { });
            traffic.assertEveryPingAnsweredAndStreamIntact();
            traffic.assertNoSegmentLost();
            for (String host : new String[] {hosts.client(), hosts.server()}) {
                String status = lab.espgw(host, "status").output();
                assertTrue(status.contains("drops: none"), "espgw dropped packets:\n" + status);
            }
            String logs = "--- client:\n" + client.output() + "\n--- server:\n" + server.output();
            for (Lab.Gateway gateway : new Lab.Gateway[] {client, server}) {
                String log = gateway.output();
                assertTrue(IkeScenarioTest.childSasInstalled(gateway) >= 5, "too few CHILD SAs in " + gateway.namespace()
                        + ":\n" + logs);
                assertTrue(IkeScenarioTest.count(log, "IKE SA rekeyed: peer") >= 2, "too few IKE SA rekeys\n" + logs);
                assertEquals(1, IkeScenarioTest.count(log, "IKE SA up: peer"), "a new IKE SA instead of a rekey\n" + logs);
            }
            assertEquals(0, client.stop(), client.output());
            assertEquals(0, server.stop(), server.output());
            assertFalse(client.output().contains(psk) || server.output().contains(psk), "the PSK in a log");
        }
    }

    private static String lifetimes(int childRekeySeconds, int ikeRekeySeconds) {
        return "      lifetimes:\n        child_rekey_seconds: " + childRekeySeconds
                + "\n        ike_rekey_seconds: " + ikeRekeySeconds + "\n";
    }
}
