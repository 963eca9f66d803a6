package espgw.lab;

import static espgw.linux.host.BlockingIo.THREAD_PER_TASK;

import espgw.linux.netns.NetNamespace;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Real traffic between lab hosts, from this JVM: each socket is opened with the thread inside the
 * host's network namespace, so it lives there. Every payload carries {@code marker}, so that a
 * capture of the wire can prove the payloads never crossed it in clear text.
 */
public final class LabTraffic {
    /** Marker, then pseudo-random filler: any TCP segment of 1 KB or more holds a whole marker. */
    private static final int BLOCK = 512;

    private LabTraffic() {
    }

    /** Result of a TCP transfer: the SHA-256 of what was sent and of what arrived. */
    public record Transfer(long bytes, String sentSha256, String receivedSha256, double seconds) {
        public boolean intact() {
            return sentSha256.equals(receivedSha256);
        }

        public double megabitsPerSecond() {
            return bytes * 8 / seconds / 1e6;
        }
    }

    public static Transfer tcp(String clientNs, String serverNs, String address, int port, long bytes,
                               String marker, long timeoutSeconds) throws IOException {
        try (ServerSocketChannel server = NetNamespace.call(serverNs, ServerSocketChannel::open)) {
            server.bind(new InetSocketAddress(port));
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> receiveAndHash(server),
                    THREAD_PER_TASK);
            long start = System.nanoTime();
            String sent;
            try (SocketChannel client = NetNamespace.call(clientNs, SocketChannel::open)) {
                client.socket().connect(new InetSocketAddress(address, port), (int) TimeUnit.SECONDS.toMillis(10));
                sent = sendAndHash(client, bytes, marker);
                client.shutdownOutput();
                String arrived = received.get(timeoutSeconds, TimeUnit.SECONDS);
                return new Transfer(bytes, sent, arrived, (System.nanoTime() - start) / 1e9);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted during the TCP transfer", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("TCP transfer to " + address + ":" + port + " failed: " + e, e);
            }
        }
    }

    /**
     * Like {@link #tcp}, but the data flows the other way: the client connects and the server sends
     * {@code bytes}, so the bulk crosses the tunnel from the server's side.
     */
    public static Transfer tcpFromServer(String clientNs, String serverNs, String address, int port, long bytes,
                                         String marker, long timeoutSeconds) throws IOException {
        try (ServerSocketChannel server = NetNamespace.call(serverNs, ServerSocketChannel::open)) {
            server.bind(new InetSocketAddress(port));
            CompletableFuture<String> sent = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel peer = server.accept()) {
                    return sendAndHash(peer, bytes, marker);
                } catch (IOException e) {
                    throw new IllegalStateException("sending side of the TCP transfer: " + e.getMessage(), e);
                }
            }, THREAD_PER_TASK);
            long start = System.nanoTime();
            try (SocketChannel client = NetNamespace.call(clientNs, SocketChannel::open)) {
                client.socket().connect(new InetSocketAddress(address, port), (int) TimeUnit.SECONDS.toMillis(10));
                client.socket().setSoTimeout((int) TimeUnit.SECONDS.toMillis(timeoutSeconds));
                String arrived = readAndHash(client);
                return new Transfer(bytes, sent.get(timeoutSeconds, TimeUnit.SECONDS), arrived,
                        (System.nanoTime() - start) / 1e9);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted during the TCP transfer", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("TCP transfer from " + address + ":" + port + " failed: " + e, e);
            }
        }
    }

    private static String sendAndHash(SocketChannel channel, long bytes, String marker) throws IOException {
        MessageDigest sha = sha256();
        SplittableRandom random = new SplittableRandom(bytes);
        byte[] markerBytes = marker.getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[64 * BLOCK];
        long left = bytes;
        while (left > 0) {
            for (int block = 0; block < chunk.length; block += BLOCK) {
                System.arraycopy(markerBytes, 0, chunk, block, markerBytes.length);
                for (int i = block + markerBytes.length; i < block + BLOCK; i++) {
                    chunk[i] = (byte) random.nextInt();
                }
            }
            int n = (int) Math.min(chunk.length, left);
            sha.update(chunk, 0, n);
            ByteBuffer buffer = ByteBuffer.wrap(chunk, 0, n);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            left -= n;
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Accepts one connection and returns the SHA-256 of all that arrived on it. */
    public static String receiveAndHash(ServerSocketChannel server) {
        try (SocketChannel peer = server.accept()) {
            return readAndHash(peer);
        } catch (IOException e) {
            throw new IllegalStateException("receiving side of the TCP transfer: " + e.getMessage(), e);
        }
    }

    /** Reads to the end of the stream and returns the SHA-256 of what arrived. */
    private static String readAndHash(SocketChannel channel) throws IOException {
        MessageDigest sha = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        while (channel.read(buffer) >= 0) {
            buffer.flip();
            sha.update(buffer);
            buffer.clear();
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Sends {@code count} datagrams carrying the marker from the client to an echo service on the
     * server and returns how many came back intact, one at a time (so loss is not congestion).
     */
    public static int udpEcho(String clientNs, String serverNs, String address, int port, int count,
                              String marker) throws IOException {
        try (DatagramChannel echo = NetNamespace.call(serverNs, DatagramChannel::open);
             DatagramChannel client = NetNamespace.call(clientNs, DatagramChannel::open)) {
            echo.bind(new InetSocketAddress(port));
            CompletableFuture<Void> echoing = CompletableFuture.runAsync(() -> echo(echo, count), THREAD_PER_TASK);
            // The socket adaptor, unlike the channel, honours a receive timeout.
            DatagramSocket socket = client.socket();
            socket.setSoTimeout(2000);
            socket.connect(new InetSocketAddress(address, port));
            int intact = 0;
            DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
            for (int i = 0; i < count; i++) {
                byte[] payload = (marker + " datagram " + i).getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(payload, payload.length));
                try {
                    reply.setLength(2048);
                    socket.receive(reply);
                    if (Arrays.equals(payload, 0, payload.length, reply.getData(), 0, reply.getLength())) {
                        intact++;
                    }
                } catch (SocketTimeoutException e) {
                    // counted as lost
                }
            }
            echoing.cancel(true);
            return intact;
        }
    }

    private static void echo(DatagramChannel channel, int count) {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        try {
            for (int i = 0; i < count; i++) {
                buffer.clear();
                var from = channel.receive(buffer);
                buffer.flip();
                channel.send(buffer, from);
            }
        } catch (IOException e) {
            // closed at the end of the exchange
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
