package espgw.scenario;

import espgw.config.GatewayConfig;
import espgw.linux.libc.Socket;
import espgw.linux.netns.NetNamespace;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * UDP sockets inside a lab namespace that carry espgw's firewall mark, so a gateway running there
 * routes their datagrams to the LAN and its guard lets them out, as it does its own IKE: a hostile
 * sender beside the real peer, on its address but other ports. Replies are not read (the guard
 * drops them); a capture on the LAN sees them.
 */
final class MarkedUdpSockets implements AutoCloseable {
    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final List<EpollDatagramChannel> sockets = new ArrayList<>();

    /** {@code count} sockets on {@code address} (ephemeral ports) in {@code namespace}. */
    MarkedUdpSockets(String namespace, String address, int count) throws IOException {
        try {
            for (int i = 0; i < count; i++) {
                EpollDatagramChannel channel = NetNamespace.call(namespace,
                        () -> new EpollDatagramChannel(SocketProtocolFamily.INET));
                Socket.setIntOption(channel.fd().intValue(), Socket.SOL_SOCKET, Socket.SO_MARK,
                        GatewayConfig.DEFAULT_FWMARK, "SO_MARK");
                loop.register(channel).syncUninterruptibly();
                channel.bind(new InetSocketAddress(address, 0)).syncUninterruptibly();
                sockets.add(channel);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    int size() {
        return sockets.size();
    }

    /** The local port of socket {@code index}. */
    int port(int index) {
        return sockets.get(index).localAddress().getPort();
    }

    /** Sends {@code payload} from socket {@code index} and waits until it left. */
    void send(int index, byte[] payload, InetSocketAddress to) {
        sockets.get(index).writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(payload), to))
                .syncUninterruptibly();
    }

    @Override
    public void close() {
        for (EpollDatagramChannel socket : sockets) {
            socket.close().syncUninterruptibly();
        }
        loop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
