package espgw.ike.session;

import espgw.linux.netns.NetNamespace;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;

/**
 * IKE's two UDP ports of a test end inside a network namespace: 500, and 4500 where every IKE
 * message follows the 4-octet non-ESP marker (RFC 3948 §2.2). Blocking, for a test's own loop.
 */
final class IkeUdpEndpoint implements AutoCloseable {
    static final int IKE_PORT = 500;
    static final int NAT_T_PORT = 4500;
    private static final int NON_ESP_MARKER_LENGTH = 4;
    private static final int MAX_DATAGRAM = 65_535;

    /** One received IKE message (marker removed) and the port it arrived on. */
    record Received(byte[] message, int localPort) {
    }

    private final DatagramChannel ike;
    private final DatagramChannel natT;
    private final Selector selector;

    IkeUdpEndpoint(String namespace, InetAddress local) throws IOException {
        ike = NetNamespace.call(namespace, () -> bound(new InetSocketAddress(local, IKE_PORT)));
        natT = NetNamespace.call(namespace, () -> bound(new InetSocketAddress(local, NAT_T_PORT)));
        selector = Selector.open();
        ike.register(selector, SelectionKey.OP_READ);
        natT.register(selector, SelectionKey.OP_READ);
    }

    private static DatagramChannel bound(InetSocketAddress address) throws IOException {
        DatagramChannel channel = DatagramChannel.open().bind(address);
        channel.configureBlocking(false);
        return channel;
    }

    /** Sends {@code message} to the peer's port 500, or from and to 4500 behind the marker. */
    void send(byte[] message, InetAddress peer, boolean natTraversal) throws IOException {
        if (natTraversal) {
            ByteBuffer datagram = ByteBuffer.allocate(NON_ESP_MARKER_LENGTH + message.length);
            datagram.put(new byte[NON_ESP_MARKER_LENGTH]).put(message).flip();
            natT.send(datagram, new InetSocketAddress(peer, NAT_T_PORT));
        } else {
            ike.send(ByteBuffer.wrap(message), new InetSocketAddress(peer, IKE_PORT));
        }
    }

    /** The next IKE message on either port, or null after {@code timeoutMillis}; ESP and keepalives are skipped. */
    Received receive(long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        for (long left = timeoutMillis; left > 0; left = (deadline - System.nanoTime()) / 1_000_000) {
            selector.select(left);
            selector.selectedKeys().clear();
            for (DatagramChannel channel : new DatagramChannel[] {ike, natT}) {
                buffer.clear();
                if (channel.receive(buffer) == null) {
                    continue;
                }
                byte[] datagram = Arrays.copyOf(buffer.array(), buffer.position());
                if (channel == ike) {
                    return new Received(datagram, IKE_PORT);
                }
                if (datagram.length > NON_ESP_MARKER_LENGTH && isNonEspMarker(datagram)) {
                    return new Received(Arrays.copyOfRange(datagram, NON_ESP_MARKER_LENGTH, datagram.length),
                            NAT_T_PORT);
                }
            }
        }
        return null;
    }

    private static boolean isNonEspMarker(byte[] datagram) {
        for (int i = 0; i < NON_ESP_MARKER_LENGTH; i++) {
            if (datagram[i] != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        try (selector; ike; natT) {
            // closes all three, in reverse order
        }
    }
}
