package espgw.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.testing.StrongSwan;
import espgw.ike.testing.SwanctlConnection;
import espgw.ike.testing.SwanctlSas;
import espgw.lab.Lab;
import espgw.linux.netns.NetNamespace;
import espgw.testing.NetnsLab;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 6, must-show 2: charon (namespaces {@code ikr...}) rekeys the CHILD SA every ~5 s and the
 * IKE SA every ~12 s while a ping every 0.1 s and a paced TCP stream cross the tunnel for 30 s.
 * Every ping is answered, the stream arrives byte for byte (SHA-256; its sender's retransmissions,
 * RetransSegs in its namespace, are printed), and charon's and espgw's views agree that the
 * CHILD SA was replaced at least three times and the IKE SA at least once — with espgw as the IKE
 * initiator and as the responder.
 */
class StrongSwanRekeyTrafficTest {
    private static final String ESPGW_OUTER = "192.0.2.1";
    private static final String SWAN_OUTER = "192.0.2.2";
    private static final String ESPGW_INNER = "198.51.100.1";
    private static final String SWAN_INNER = "198.51.100.2";
    private static final String ESPGW_ID = "espgw.espgw.test";
    private static final String SWAN_ID = "swan.espgw.test";
    private static final String PSK = "rekey-psk-not-secret";
    private static final String CONNECTION = "espgw";
    private static final Duration CHILD_REKEY = Duration.ofSeconds(5);
    /**
     * Beyond the test: charon 5.9.8 sometimes skips a CHILD SA's rekey that falls due while it rekeys
     * the IKE SA, and the hard expiry would then end the tunnel instead.
     */
    private static final Duration CHILD_LIFE = Duration.ofSeconds(60);
    /** Rekeys 4 to 5 s apart (by default charon would spread them over life minus rekey time). */
    private static final Duration CHILD_RAND = Duration.ofSeconds(1);
    private static final Duration IKE_REKEY = Duration.ofSeconds(12);
    private static final int PINGS = 300;
    private static final int TCP_PORT = 5011;
    /** 8 KiB every 10 ms: a steady 6.5 Mbit/s, far below what the tunnel carries, so no loss is congestion. */
    private static final int CHUNK = 8 * 1024;
    private static final long CHUNK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long TRAFFIC_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Pattern PING_SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private static final Pattern RETRANS_SEGS = Pattern.compile("(?m)^Tcp: (.*)\\R^Tcp: (.*)$");

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
        StrongSwan.requireInstalled();
    }

    @ParameterizedTest(name = "espgw initiates: {0}")
    @ValueSource(booleans = {true, false})
    void childAndIkeSaRekeysLoseNoPingAndKeepTcpIntact(boolean espgwInitiates) throws Exception {
        try (Lab lab = new Lab("ikr", dir); NetnsLab swanLab = new NetnsLab("ikr")) {
            String espgw = lab.host("e");
            String swanNs = swanLab.namespace("s");
            swanLab.veth(espgw, "eth0", ESPGW_OUTER + "/24", swanNs, "eth0", SWAN_OUTER + "/24");
            lab.exec(espgw, "ip", "addr", "add", ESPGW_INNER + "/32", "dev", "lo");
            swanLab.exec(swanNs, "ip", "addr", "add", SWAN_INNER + "/32", "dev", "lo");

            try (StrongSwan swan = StrongSwan.start(swanLab, swanNs, dir.resolve("swan"), Map.of())) {
                swan.load(SwanctlConnection.builder(CONNECTION)
                        .local(SWAN_OUTER, SWAN_ID).remote(ESPGW_OUTER, ESPGW_ID)
                        .trafficSelectors(SWAN_INNER + "/32", ESPGW_INNER + "/32")
                        .authentication(new SwanctlConnection.Psk(PSK))
                        .proposals("aes128gcm16-prfsha256-x25519", "aes128gcm16")
                        .ikeRekeyTime(IKE_REKEY).childLifetimes(CHILD_REKEY, CHILD_LIFE).childRandTime(CHILD_RAND).build());
                Lab.Gateway gateway = lab.startGateway(espgw, lab.config("espgw", config(espgwInitiates)));
                if (!espgwInitiates) {
                    swan.initiate(CONNECTION);
                }
                IkeScenarioTest.awaitOutput(gateway, "IKE SA up: peer swan");

                long retransmitsBefore = retransmittedSegments(lab, espgw);
                Process ping = lab.spawn(espgw, "ping", "-n", "-c", String.valueOf(PINGS), "-i", "0.1", "-W", "2",
                        "-I", ESPGW_INNER, SWAN_INNER);
                CompletableFuture<String> pingOutput = CompletableFuture.supplyAsync(() -> readAll(ping));
                SeenSas seen = new SeenSas();
                CompletableFuture<Void> watching = CompletableFuture.runAsync(() -> seen.watch(swan, ping));
                StreamResult stream = pacedStream(espgw, swanNs);
                assertTrue(ping.waitFor(20, TimeUnit.SECONDS), "ping did not end");
                watching.get(10, TimeUnit.SECONDS);
                long retransmits = retransmittedSegments(lab, espgw) - retransmitsBefore;

                String pings = pingOutput.get(5, TimeUnit.SECONDS);
                Matcher summary = PING_SUMMARY.matcher(pings);
                assertTrue(summary.find(), pings);
                assertEquals(PINGS + " packets transmitted, " + PINGS + " received", summary.group(), pings);
                assertEquals(stream.sent(), stream.received(), "the TCP stream arrived changed");
                // Not zero even without rekeys (10-14 in 30 s through charon's kernel-libipsec, 14-48 with
                // them): printed, not asserted, until the cause outside the rekeys is known.
                System.out.println("TCP segments retransmitted by the sender during the rekeys: " + retransmits);
                assertTrue(seen.childSpis.size() >= 4, "CHILD SAs seen by charon: " + seen.childSpis);
                assertTrue(seen.ikeSpis.size() >= 2, "IKE SAs seen by charon: " + seen.ikeSpis);
                String log = gateway.output();
                int childSaPairs = (count(log, "SA up: peer swan") - count(log, "IKE SA up: peer swan")) / 2;
                assertTrue(childSaPairs >= 4, "espgw installed too few SA pairs:\n" + log);
                assertTrue(log.contains("IKE SA rekeyed: peer swan"), log);
                assertEquals(1, count(log, "IKE SA up: peer swan"), "espgw set up a new IKE SA instead of rekeying:\n" + log);

                assertEquals(0, gateway.stop(), gateway.output());
                assertFalse(gateway.output().contains(PSK), "the PSK in the log");
            }
        }
    }

    /** SPIs charon listed, polled every 0.5 s while the ping runs; read once the watch has ended. */
    private static final class SeenSas {
        final Set<String> childSpis = new TreeSet<>();
        final Set<String> ikeSpis = new TreeSet<>();

        void watch(StrongSwan swan, Process ping) {
            try {
                while (ping.isAlive()) {
                    for (SwanctlSas.IkeSa ike : swan.listSas()) {
                        ikeSpis.add(ike.get("initiator-spi") + "_" + ike.get("responder-spi"));
                        ike.children().forEach(child -> childSpis.add(child.get("spi-in")));
                    }
                    Thread.sleep(500);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private record StreamResult(String sent, String received) {
    }

    /** One TCP connection from espgw's side to charon's, a chunk every 10 ms for 30 s, hashed at both ends. */
    private static StreamResult pacedStream(String clientNs, String serverNs) throws Exception {
        try (ServerSocketChannel server = NetNamespace.call(serverNs, ServerSocketChannel::open)) {
            server.bind(new InetSocketAddress(SWAN_INNER, TCP_PORT));
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> receiveAndHash(server));
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            try (SocketChannel client = NetNamespace.call(clientNs, SocketChannel::open)) {
                // A broken tunnel would block a write for TCP's whole retry time: closing unblocks it.
                CompletableFuture.delayedExecutor(TRAFFIC_NANOS + TimeUnit.SECONDS.toNanos(20), TimeUnit.NANOSECONDS)
                        .execute(() -> closeQuietly(client));
                client.socket().connect(new InetSocketAddress(SWAN_INNER, TCP_PORT), 10_000);
                SplittableRandom random = new SplittableRandom(TCP_PORT);
                byte[] chunk = new byte[CHUNK];
                long start = System.nanoTime();
                for (long next = start; next - start < TRAFFIC_NANOS; next += CHUNK_INTERVAL_NANOS) {
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
                    random.nextBytes(chunk);
                    sent.update(chunk);
                    ByteBuffer buffer = ByteBuffer.wrap(chunk);
                    while (buffer.hasRemaining()) {
                        client.write(buffer);
                    }
                }
                client.shutdownOutput();
                return new StreamResult(HexFormat.of().formatHex(sent.digest()), received.get(20, TimeUnit.SECONDS));
            }
        }
    }

    private static String receiveAndHash(ServerSocketChannel server) {
        try (SocketChannel peer = server.accept()) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (peer.read(buffer) >= 0) {
                buffer.flip();
                sha.update(buffer);
                buffer.clear();
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (Exception e) {
            throw new IllegalStateException("receiving side of the TCP stream: " + e.getMessage(), e);
        }
    }

    /** RetransSegs from the namespace's /proc/net/snmp (RFC 4022's tcpRetransSegs). */
    private static long retransmittedSegments(Lab lab, String ns) {
        String snmp = lab.exec(ns, "cat", "/proc/net/snmp");
        Matcher tcp = RETRANS_SEGS.matcher(snmp);
        assertTrue(tcp.find(), snmp);
        String[] names = tcp.group(1).trim().split("\\s+");
        String[] values = tcp.group(2).trim().split("\\s+");
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals("RetransSegs")) {
                return Long.parseLong(values[i]);
            }
        }
        throw new AssertionError("no RetransSegs in " + snmp);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // already closed
        }
    }

    private static String readAll(Process process) {
        try (InputStream in = process.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int count(String text, String what) {
        return text.split(Pattern.quote(what), -1).length - 1;
    }

    private static String config(boolean initiate) {
        return "instance: espgw\nrole: client\nlocal: " + ESPGW_OUTER + "/24\npeers:\n"
                + "  - name: swan\n    address: " + SWAN_OUTER + "\n    networks: [" + SWAN_INNER + "/32]\n"
                + "    ike:\n      psk: " + PSK + "\n      local_id: " + ESPGW_ID + "\n      remote_id: " + SWAN_ID + "\n"
                + "      initiate: " + initiate + "\n      proposals: [aes128gcm16-prfsha256-x25519]\n"
                + "      esp_proposals: [aes128gcm16]\n"
                + "      local_ts: [" + ESPGW_INNER + "/32]\n      remote_ts: [" + SWAN_INNER + "/32]\n";
    }
}
