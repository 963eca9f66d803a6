package espgw.scenario;

import static espgw.scenario.ScenarioSupport.MARKER;
import static espgw.scenario.ScenarioSupport.assertOnlyEsp;
import static espgw.scenario.SameSubnetScenarioTest.CLIENT;
import static espgw.scenario.SameSubnetScenarioTest.SERVER;
import static espgw.scenario.SameSubnetScenarioTest.clientConfig;
import static espgw.scenario.SameSubnetScenarioTest.serverConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.lab.Lab;
import espgw.lab.LabTraffic;
import espgw.lab.WireCapture;
import espgw.metrics.StatusJson;
import espgw.metrics.StatusReport;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed scenario 2 with a bulk TCP transfer, with TUN offloads on (the default) and off. The
 * kernel's TUN counters against espgw's ESP packet counts show what the offloads do: with them the
 * client gateway reads far fewer packets from its TUN than it sends as ESP (super-packets cut into
 * segments) and the server gateway writes far fewer into its TUN than it receives (segments merged
 * into super-packets, which the kernel accepts: the data arrives byte for byte). Without them
 * every ESP packet is one TUN packet.
 */
class TunOffloadScenarioTest {
    private static final long TRANSFER_BYTES = 32L << 20;
    /** With offloads, more ESP packets than this per TUN packet on average (up to ~45; ~20 client, ~6 server seen). */
    private static final int MIN_SEGMENTS_PER_TUN_PACKET = 2;

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
    }

    @Test
    void superPacketsCrossBothTunsAndTheDataArrivesIntact() throws Exception {
        Counts counts = transfer("s2o", "");
        assertTrue(counts.clientTunRead() * MIN_SEGMENTS_PER_TUN_PACKET < counts.clientEspOut(),
                "client: TUN packets read vs ESP packets sent " + counts);
        assertTrue(counts.serverTunWritten() * MIN_SEGMENTS_PER_TUN_PACKET < counts.serverEspIn(),
                "server: TUN packets written vs ESP packets received " + counts);
    }

    @Test
    void withoutOffloadsEveryEspPacketIsOneTunPacket() throws Exception {
        Counts counts = transfer("s2n", "tunnel: {offload: false}\n");
        assertEquals(counts.clientEspOut(), counts.clientTunRead(), "client " + counts);
        assertEquals(counts.serverEspIn(), counts.serverTunWritten(), "server " + counts);
    }

    /** Both gateways up, one TCP transfer client → server checked by SHA-256, only ESP on the wire. */
    private Counts transfer(String labName, String tunnelConfig) throws Exception {
        try (Lab lab = new Lab(labName, dir)) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            lab.startGateway(hosts.server(), lab.config("server", tunnelConfig + serverConfig("aes-gcm-128")));
            lab.startGateway(hosts.client(), lab.config("client", tunnelConfig + clientConfig("aes-gcm-128")));
            Path pcap = dir.resolve(labName + ".pcap");
            try (WireCapture capture = WireCapture.start(lab.lan(), Lab.LAN_BRIDGE, pcap)) {
                LabTraffic.Transfer transfer = LabTraffic.tcp(hosts.client(), hosts.server(), SERVER, 5003,
                        TRANSFER_BYTES, MARKER, 120);
                assertTrue(transfer.intact(), "TCP transfer corrupted: " + transfer);
            }
            assertOnlyEsp(pcap, CLIENT, SERVER);
            StatusReport.Peer clientsPeer = peer(lab, hosts.client(), "client");
            StatusReport.Peer serversPeer = peer(lab, hosts.server(), "server");
            return new Counts(tunStatistic(lab, hosts.client(), "client", "tx_packets"), clientsPeer.packetsOut(),
                    tunStatistic(lab, hosts.server(), "server", "rx_packets"), serversPeer.packetsIn());
        }
    }

    /** The one peer in the status of the gateway in {@code ns}. */
    private static StatusReport.Peer peer(Lab lab, String ns, String instance) throws Exception {
        String json = lab.espgw(ns, "status", "--json").output();
        StatusReport report = StatusJson.read(json.substring(json.indexOf('{')));
        assertEquals(instance, report.instance(), json);
        assertEquals(0L, report.drops().values().stream().mapToLong(Long::longValue).sum(), "drops: " + json);
        return report.peers().get(0);
    }

    /** tx_packets: packets the kernel queued to the gateway; rx_packets: packets the gateway wrote. */
    private static long tunStatistic(Lab lab, String ns, String device, String name) {
        return Long.parseLong(lab.exec(ns, "cat", "/sys/class/net/" + device + "/statistics/" + name).trim());
    }

    private record Counts(long clientTunRead, long clientEspOut, long serverTunWritten, long serverEspIn) {
    }
}
