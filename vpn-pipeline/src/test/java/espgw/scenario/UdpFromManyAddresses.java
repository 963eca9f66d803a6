package espgw.scenario;

import espgw.linux.netns.NetNamespace;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One UDP socket per client source address, all open at the same time, each sending one datagram
 * (carrying the marker) to an echo service on the server that records every source it sees.
 */
final class UdpFromManyAddresses {
    /** How many sockets got their own datagram back, and the distinct sources the server saw. */
    record Outcome(int echoed, Set<String> sourcesSeenByServer) {
    }

    private UdpFromManyAddresses() {
    }

    static Outcome exchange(String clientNs, List<String> sourceAddresses, String serverNs, String server, int port,
                            String marker) throws IOException, InterruptedException {
        Set<String> sources = ConcurrentHashMap.newKeySet();
        List<DatagramChannel> sockets = new ArrayList<>();
        try (DatagramChannel echo = NetNamespace.call(serverNs, DatagramChannel::open)) {
            echo.bind(new InetSocketAddress(port));
            Thread echoing = new Thread(() -> echoAndRecord(echo, sources), "udp-echo-recording-sources");
            echoing.setDaemon(true);
            echoing.start();
            try {
                for (String source : sourceAddresses) {
                    DatagramChannel socket = NetNamespace.call(clientNs, DatagramChannel::open);
                    sockets.add(socket);
                    socket.bind(new InetSocketAddress(source, 0));
                    socket.connect(new InetSocketAddress(server, port));
                }
                for (int i = 0; i < sockets.size(); i++) {
                    sockets.get(i).write(ByteBuffer.wrap(payload(marker, sourceAddresses.get(i))));
                }
                int echoed = 0;
                for (int i = 0; i < sockets.size(); i++) {
                    if (receivedOwnPayload(sockets.get(i), payload(marker, sourceAddresses.get(i)))) {
                        echoed++;
                    }
                }
                return new Outcome(echoed, Set.copyOf(sources));
            } finally {
                for (DatagramChannel socket : sockets) {
                    socket.close();
                }
                echo.close();
                echoing.join(5000);
            }
        }
    }

    private static byte[] payload(String marker, String source) {
        return (marker + " from " + source).getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean receivedOwnPayload(DatagramChannel channel, byte[] expected) throws IOException {
        // The socket adaptor, unlike the channel, honours a receive timeout.
        var socket = channel.socket();
        socket.setSoTimeout(3000);
        DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
        try {
            socket.receive(reply);
        } catch (SocketTimeoutException e) {
            return false;
        }
        return Arrays.equals(expected, 0, expected.length, reply.getData(), 0, reply.getLength());
    }

    private static void echoAndRecord(DatagramChannel channel, Set<String> sources) {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        try {
            while (true) {
                buffer.clear();
                InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
                sources.add(from.getAddress().getHostAddress());
                buffer.flip();
                channel.send(buffer, from);
            }
        } catch (IOException e) {
            // closed at the end of the exchange
        }
    }
}
