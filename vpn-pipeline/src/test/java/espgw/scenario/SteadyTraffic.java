package espgw.scenario;

import static espgw.linux.host.BlockingIo.THREAD_PER_TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.lab.Lab;
import espgw.lab.LabTraffic;
import espgw.linux.netns.NetNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Traffic for the rekey tests: for 30 s a ping every 0.1 s and one paced TCP stream (8 KiB every
 * 10 ms: a steady 6.5 Mbit/s, far below what a tunnel carries, so no loss is congestion) from one
 * namespace to another, the stream hashed at both ends, and the TCP counters that tell whether a
 * segment was lost.
 */
final class SteadyTraffic {
    static final int PINGS = 300;
    private static final int CHUNK = 8 * 1024;
    private static final long CHUNK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long TRAFFIC_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Pattern PING_SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    /**
     * @param pings what ping printed
     * @param sent SHA-256 of what the sender wrote
     * @param received SHA-256 of what the receiver read
     * @param retransmitted TCP segments the sender retransmitted
     * @param duplicatesReceived segments the receiver got a second time (and D-SACKed, RFC 2883)
     * @param outOfOrderReceived segments the receiver got after a gap
     */
    record Result(String pings, String sent, String received, long retransmitted, long duplicatesReceived,
            long outOfOrderReceived) {
        void assertEveryPingAnsweredAndStreamIntact() {
            Matcher summary = PING_SUMMARY.matcher(pings);
            assertTrue(summary.find(), pings);
            assertEquals(PINGS + " packets transmitted, " + PINGS + " received", summary.group(), pings);
            assertEquals(sent, received, "the TCP stream arrived changed");
        }

        /**
         * No TCP segment was lost: none arrived after a gap, and every retransmission was of a segment
         * that had arrived. An app-limited stream like this one ends each burst with a tail loss probe
         * when the ACK is delayed (RFC 8985 §7): a retransmission, counted in RetransSegs, of
         * nothing lost.
         */
        void assertNoSegmentLost() {
            String counters = retransmitted + " retransmitted, " + duplicatesReceived + " received twice, "
                    + outOfOrderReceived + " after a gap";
            assertEquals(0, outOfOrderReceived, "segments arrived after a gap: " + counters);
            assertTrue(retransmitted <= duplicatesReceived, "retransmissions of lost segments: " + counters);
        }
    }

    /** The counters of the namespace's TCP stack (/proc/net/snmp, /proc/net/netstat) that tell loss. */
    private record TcpCounters(long retransmittedSegments, long duplicateSegmentsReceived,
            long outOfOrderSegmentsReceived) {
        static TcpCounters of(Lab lab, String ns) {
            Map<String, Long> tcp = counters(lab.exec(ns, "cat", "/proc/net/snmp"), "Tcp:");
            Map<String, Long> tcpExt = counters(lab.exec(ns, "cat", "/proc/net/netstat"), "TcpExt:");
            // RFC 4022's tcpRetransSegs; Linux's duplicate segments D-SACKed; segments queued out of order.
            return new TcpCounters(tcp.get("RetransSegs"), tcpExt.get("TCPDSACKOldSent"), tcpExt.get("TCPOFOQueue"));
        }

        TcpCounters minus(TcpCounters before) {
            return new TcpCounters(retransmittedSegments - before.retransmittedSegments,
                    duplicateSegmentsReceived - before.duplicateSegmentsReceived,
                    outOfOrderSegmentsReceived - before.outOfOrderSegmentsReceived);
        }
    }

    /** Datagrams the namespace's UDP sockets dropped because a receive buffer was full (/proc/net/snmp). */
    static long udpReceiveBufferErrors(Lab lab, String ns) {
        return counters(lab.exec(ns, "cat", "/proc/net/snmp"), "Udp:").get("RcvbufErrors");
    }

    /** The counters of one group: a line of names after {@code prefix}, then a line of values. */
    private static Map<String, Long> counters(String file, String prefix) {
        Matcher group = Pattern.compile("(?m)^" + prefix + " (.*)\\R^" + prefix + " (.*)$").matcher(file);
        assertTrue(group.find(), file);
        String[] names = group.group(1).trim().split("\\s+");
        String[] values = group.group(2).trim().split("\\s+");
        Map<String, Long> counters = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            counters.put(names[i], Long.parseLong(values[i]));
        }
        return counters;
    }

    private SteadyTraffic() {
    }

    /**
     * Runs the traffic from {@code fromNs} (source {@code fromAddress}) to {@code toAddress} in
     * {@code toNs}; {@code watcher} runs alongside and should return once its argument turns false.
     */
    static Result run(Lab lab, String fromNs, String fromAddress, String toNs, String toAddress, int tcpPort,
            Consumer<BooleanSupplier> watcher) throws Exception {
        TcpCounters senderBefore = TcpCounters.of(lab, fromNs);
        TcpCounters receiverBefore = TcpCounters.of(lab, toNs);
        Process ping = lab.spawn(fromNs, "ping", "-n", "-c", String.valueOf(PINGS), "-i", "0.1", "-W", "2",
                "-I", fromAddress, toAddress);
        CompletableFuture<String> pingOutput = CompletableFuture.supplyAsync(() -> readAll(ping), THREAD_PER_TASK);
        CompletableFuture<Void> watching = CompletableFuture.runAsync(() -> watcher.accept(ping::isAlive),
                THREAD_PER_TASK);
        String[] hashes = pacedStream(fromNs, toNs, toAddress, tcpPort);
        assertTrue(ping.waitFor(20, TimeUnit.SECONDS), "ping did not end");
        watching.get(10, TimeUnit.SECONDS);
        TcpCounters sender = TcpCounters.of(lab, fromNs).minus(senderBefore);
        TcpCounters receiver = TcpCounters.of(lab, toNs).minus(receiverBefore);
        return new Result(pingOutput.get(5, TimeUnit.SECONDS), hashes[0], hashes[1], sender.retransmittedSegments(),
                receiver.duplicateSegmentsReceived(), receiver.outOfOrderSegmentsReceived());
    }

    /** Returns the SHA-256 of what was sent and of what arrived. */
    private static String[] pacedStream(String clientNs, String serverNs, String serverAddress, int port)
            throws Exception {
        try (ServerSocketChannel server = NetNamespace.call(serverNs, ServerSocketChannel::open)) {
            server.bind(new InetSocketAddress(serverAddress, port));
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> LabTraffic.receiveAndHash(server),
                    THREAD_PER_TASK);
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            try (SocketChannel client = NetNamespace.call(clientNs, SocketChannel::open)) {
                // A broken tunnel would block a write for TCP's whole retry time: closing unblocks it.
                CompletableFuture.delayedExecutor(TRAFFIC_NANOS + TimeUnit.SECONDS.toNanos(20), TimeUnit.NANOSECONDS,
                        THREAD_PER_TASK)
                        .execute(() -> closeQuietly(client));
                client.socket().connect(new InetSocketAddress(serverAddress, port), 10_000);
                SplittableRandom random = new SplittableRandom(port);
                byte[] chunk = new byte[CHUNK];
                long start = System.nanoTime();
                for (long next = start; next - start < TRAFFIC_NANOS; ) {
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, next - System.nanoTime()));
                    // Never catch up: after a stall (a busy CI machine) the missed chunks at once would be
                    // a burst larger than charon's default receive buffer holds.
                    next = Math.max(next, System.nanoTime()) + CHUNK_INTERVAL_NANOS;
                    random.nextBytes(chunk);
                    sent.update(chunk);
                    ByteBuffer buffer = ByteBuffer.wrap(chunk);
                    while (buffer.hasRemaining()) {
                        client.write(buffer);
                    }
                }
                client.shutdownOutput();
                return new String[] {HexFormat.of().formatHex(sent.digest()), received.get(20, TimeUnit.SECONDS)};
            }
        }
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
}
