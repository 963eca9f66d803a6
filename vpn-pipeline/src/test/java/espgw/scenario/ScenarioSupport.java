package espgw.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.lab.LabTraffic;
import espgw.lab.PcapSummary;
import espgw.nat.Ipv4Prefix;
import espgw.testing.Privileges;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** What every scenario test checks, and the SA lines their configs share. */
final class ScenarioSupport {
    /** Put into every payload; must never be seen on the wire. */
    static final String MARKER = "ESPGW-CLEARTEXT-MARKER";
    /** ping -p takes up to 16 pattern bytes in hex. */
    static final String PING_PATTERN = "45535047572d4d41524b4552"; // "ESPGW-MARKER"
    static final String PING_MARKER = "ESPGW-MARKER";
    static final long TRANSFER_BYTES = 50L * 1024 * 1024;
    /** Enough to fill windows and cross many segments, where scenarios 1 and 2 already prove volume. */
    static final long SMALL_TRANSFER_BYTES = 5L * 1024 * 1024;

    private ScenarioSupport() {
    }

    static void requireLab() {
        Privileges.requireNetnsLab();
        Privileges.requireCommand("nft");
        Privileges.requireCommand("tcpdump");
        Privileges.requireCommand("ping");
    }

    /** The SA block of a peer, keys derived from the SPIs so both ends agree. */
    static String sa(int outboundSpi, int inboundSpi, String algorithm) {
        return "    sa:\n"
                + "      outbound: {spi: 0x" + Integer.toHexString(outboundSpi) + ", algorithm: " + algorithm
                + ", key: " + key(outboundSpi, algorithm) + "}\n"
                + "      inbound: {spi: 0x" + Integer.toHexString(inboundSpi) + ", algorithm: " + algorithm
                + ", key: " + key(inboundSpi, algorithm) + "}\n";
    }

    private static String key(int spi, String algorithm) {
        int bytes = algorithm.equals("aes-gcm-128") ? 20 : 36;
        StringBuilder hex = new StringBuilder("0x");
        for (int i = 0; i < bytes; i++) {
            hex.append(String.format("%02x", (spi * 31 + i * 7) & 0xff));
        }
        return hex.toString();
    }

    static void assertPing(espgw.lab.Lab lab, String ns, String address) {
        String out = lab.exec(ns, "ping", "-n", "-c", "5", "-i", "0.2", "-W", "3", "-p", PING_PATTERN, address);
        assertTrue(out.contains(" 0% packet loss"), out);
    }

    static void assertTcpAndUdp(String clientNs, String serverNs, String address, int port) throws IOException {
        assertTcpAndUdp(clientNs, serverNs, address, port, TRANSFER_BYTES);
    }

    /** A TCP transfer of {@code bytes} (SHA-256 compared at both ends) and 20 UDP echoes. */
    static void assertTcpAndUdp(String clientNs, String serverNs, String address, int port, long bytes)
            throws IOException {
        assertTcp(clientNs, serverNs, address, port, bytes);
        assertUdp(clientNs, serverNs, address, port);
    }

    /** A TCP transfer of {@code bytes}, the SHA-256 of what was sent equal to that of what arrived. */
    static void assertTcp(String clientNs, String serverNs, String address, int port, long bytes) throws IOException {
        LabTraffic.Transfer transfer = LabTraffic.tcp(clientNs, serverNs, address, port, bytes, MARKER, 120);
        assertTrue(transfer.intact(), "TCP transfer corrupted: " + transfer);
    }

    /**
     * 20 UDP datagrams echoed, one at a time. Not to be run beside a bulk transfer through the same
     * gateways: UDP has no retransmission, and a saturated tunnel may rightly drop a datagram.
     */
    static void assertUdp(String clientNs, String serverNs, String address, int port) throws IOException {
        assertEquals(20, LabTraffic.udpEcho(clientNs, serverNs, address, port, 20, MARKER), "UDP datagrams echoed");
    }

    /** Runs each task on its own thread at once and rethrows the first failure. */
    static void allAtOnce(List<Callable<Void>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<Void>> running = new ArrayList<>();
            for (Callable<Void> task : tasks) {
                running.add(pool.submit(task));
            }
            for (Future<Void> result : running) {
                try {
                    result.get(180, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof Exception cause) {
                        throw cause;
                    }
                    throw (Error) e.getCause();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Only ESP between the two gateways, and neither marker anywhere in the capture. */
    static void assertOnlyEsp(Path pcap, String gatewayA, String gatewayB) throws IOException {
        int a = Ipv4Prefix.parseAddress(gatewayA);
        int b = Ipv4Prefix.parseAddress(gatewayB);
        PcapSummary tcpMarker = PcapSummary.read(pcap, a, b, MARKER);
        assertTrue(tcpMarker.onlyEsp(), "the wire between " + gatewayA + " and " + gatewayB + ": " + tcpMarker);
        assertEquals(0, PcapSummary.read(pcap, a, b, PING_MARKER).markerHits(), "ping payload seen in clear text");
    }
}
