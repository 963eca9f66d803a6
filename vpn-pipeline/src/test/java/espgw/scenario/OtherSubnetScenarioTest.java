package espgw.scenario;

import static espgw.scenario.ScenarioSupport.assertPing;
import static espgw.scenario.ScenarioSupport.assertTcpAndUdp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import espgw.lab.Lab;
import espgw.lab.WireCapture;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seed scenario 1: client 10.0.0.161/24 and server 10.1.2.5/24 on different subnets, joined by a
 * forwarding router. The client routes the server's network into the tunnel; the link between
 * client and router carries only ESP; both hosts are as before once the gateways stop. Keyed
 * manually and by IKEv2 ({@link Keying}).
 */
class OtherSubnetScenarioTest {
    static final String CLIENT = "10.0.0.161";
    static final String SERVER = "10.1.2.5";

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
    }

    /** With keys from IKEv2 too: a PSK, the client initiating, ESP (and IKE) in UDP on port 4500. */
    @ParameterizedTest
    @EnumSource(names = {"MANUAL", "IKE_PSK_ESP_IN_UDP"})
    void serverBehindARouterIsReachedOnlyThroughEspAndTheHostsAreRestored(Keying keying) throws Exception {
        ScenarioKeys keys = new ScenarioKeys(keying, dir);
        try (Lab lab = new Lab(keying.ike ? "s1i" : "s1", dir)) {
            String client = lab.host("c");
            String router = lab.host("r");
            String server = lab.host("s");
            lab.link(client, "eth0", CLIENT + "/24", router, "r0", "10.0.0.1/24");
            lab.link(router, "r1", "10.1.2.1/24", server, "eth0", SERVER + "/24");
            lab.exec(router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
            lab.exec(client, "ip", "route", "add", "default", "via", "10.0.0.1");
            lab.exec(server, "ip", "route", "add", "default", "via", "10.1.2.1");
            String clientBefore = lab.hostState(client);
            String serverBefore = lab.hostState(server);

            Lab.Gateway serverGateway = lab.startGateway(server, lab.config("server",
                    "instance: server\nrole: server\nlocal: " + SERVER + "/24\npeers:\n"
                            + "  - name: client\n    address: " + CLIENT + "\n"
                            + keys.peer("server", "client", 0x2001, 0x1001, false)));
            Lab.Gateway clientGateway = lab.startGateway(client, lab.config("client",
                    "instance: client\nrole: client\nlocal: " + CLIENT + "/24\npeers:\n"
                            + "  - name: server\n    address: " + SERVER + "\n    networks: [10.1.2.0/24]\n"
                            + keys.peer("client", "server", 0x1001, 0x2001, true)));
            keys.awaitUp(clientGateway, "server");
            keys.awaitUp(serverGateway, "client");

            Path pcap = dir.resolve("client-router.pcap");
            try (WireCapture capture = WireCapture.start(router, "r0", pcap)) {
                assertPing(lab, client, SERVER);
                assertTcpAndUdp(client, server, SERVER, 5001);
            }
            keys.assertOnlyEsp(pcap, CLIENT, SERVER);

            assertEquals(0, clientGateway.stop(), clientGateway.output());
            assertEquals(0, serverGateway.stop(), serverGateway.output());
            assertEquals(clientBefore, lab.hostState(client), "client host state after stop");
            assertEquals(serverBefore, lab.hostState(server), "server host state after stop");
        }
    }
}
