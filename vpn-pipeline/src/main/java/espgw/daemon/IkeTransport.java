package espgw.daemon;

import espgw.wire.UdpEncapsulation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import espgw.linux.libc.Socket;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Sends IKE messages: from UDP port 500 as they are, or from the NAT-traversal port behind the
 * Non-ESP Marker (RFC 3948 §2.2) once the exchange moved there (RFC 7296 §2.23). A failed send
 * reaches the channel's pipeline, whose {@link SendFailures} counts it; IKE retransmits anyway.
 */
final class IkeTransport {
    /** RFC 7296 §2: "IKE messages use UDP ports 500 and/or 4500". */
    static final int IKE_PORT = 500;

    private final Channel ikePort;
    private final Channel natTraversalPort;

    IkeTransport(Channel ikePort, Channel natTraversalPort) {
        this.ikePort = ikePort;
        this.natTraversalPort = natTraversalPort;
    }

    /** A new, unregistered IPv4 UDP channel for port 500, its packets marked with {@code mark} like ESP's. */
    static EpollDatagramChannel openIkePort(int mark) throws IOException {
        EpollDatagramChannel channel = new EpollDatagramChannel(SocketProtocolFamily.INET);
        try {
            Socket.setIntOption(channel.fd().intValue(), Socket.SOL_SOCKET, Socket.SO_MARK, mark,
                    "SO_MARK (needs CAP_NET_ADMIN)");
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.unsafe().closeForcibly();
            throw e;
        }
    }

    void send(byte[] message, InetSocketAddress recipient, boolean onNatTraversalPort) {
        Channel channel = onNatTraversalPort ? natTraversalPort : ikePort;
        int marker = onNatTraversalPort ? UdpEncapsulation.NON_ESP_MARKER_LENGTH : 0;
        ByteBuf buf = channel.alloc().directBuffer(marker + message.length);
        if (onNatTraversalPort) {
            buf.writeInt(UdpEncapsulation.NON_ESP_MARKER);
        }
        buf.writeBytes(message);
        channel.writeAndFlush(new DatagramPacket(buf, recipient), channel.voidPromise());
    }
}
