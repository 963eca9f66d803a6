package espgw.daemon;

import espgw.linux.libc.Socket;
import io.netty.channel.ChannelException;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import java.io.IOException;

/**
 * The UDP socket of ESP in UDP (RFC 3948) as a Netty epoll datagram channel, set up for bulk
 * traffic: the channel sends a flush's datagrams with one sendmmsg. On receive, with UDP_GRO
 * (Linux 5.0+) one recvmsg takes a whole run of datagrams the kernel coalesced (up to 64 KiB), and
 * the channel splits it back into one {@code DatagramPacket} per datagram (slices of one buffer), so
 * the pipeline never sees a coalesced buffer. Without GRO one recvmmsg takes up to
 * {@link #SLOTS_PER_READ} datagrams.
 *
 * <p>GRO and recvmmsg do not mix in Netty 4.2: its recvmmsg does not read the segment size the
 * kernel reports, so a coalesced run would reach the pipeline as one datagram (EspUdpSocketTest
 * shows it). GRO therefore reads with recvmsg (max datagram payload size 0).
 *
 * <p>SO_MARK carries the tunnel's fwmark, as on the raw ESP socket: the policy rule then routes the
 * encapsulated packets by the main table, and the nftables guard lets them out.
 */
final class EspUdpSocket {
    /** Largest UDP payload: an IPv4 datagram of 65535 octets less the IPv4 and UDP headers. */
    static final int MAX_PAYLOAD = 65535 - 20 - 8;
    /** One received datagram without GRO: room for a 1500-byte path with slack, like the raw socket. */
    static final int DATAGRAM_SLOT = 2048;
    /** One run of datagrams the kernel coalesced (GRO): at most 64 KiB. */
    static final int GRO_SLOT = 65536;
    /** Receive slots per recvmmsg without GRO. */
    static final int SLOTS_PER_READ = 64;
    /** Datagrams per epoll wakeup before other channels get a turn (GRO runs count per datagram). */
    static final int MAX_DATAGRAMS_PER_READ = 256;

    private EspUdpSocket() {
    }

    /**
     * A new, unregistered IPv4 UDP channel with {@code mark} (0: none), kernel buffers of
     * {@code bufferBytes} and the given water marks, receiving with GRO when the kernel has it.
     */
    static EpollDatagramChannel open(int mark, int bufferBytes, WriteBufferWaterMark waterMark) throws IOException {
        EpollDatagramChannel channel = new EpollDatagramChannel(SocketProtocolFamily.INET);
        try {
            int fd = channel.fd().intValue();
            if (mark != 0) {
                Socket.setIntOption(fd, Socket.SOL_SOCKET, Socket.SO_MARK, mark, "SO_MARK (needs CAP_NET_ADMIN)");
            }
            Socket.setIntOption(fd, Socket.SOL_SOCKET, Socket.SO_RCVBUFFORCE, bufferBytes,
                    "SO_RCVBUFFORCE (needs CAP_NET_ADMIN)");
            Socket.setIntOption(fd, Socket.SOL_SOCKET, Socket.SO_SNDBUFFORCE, bufferBytes,
                    "SO_SNDBUFFORCE (needs CAP_NET_ADMIN)");
            boolean gro = enableGro(channel);
            channel.config().setWriteBufferWaterMark(waterMark)
                    .setMaxDatagramPayloadSize(gro ? 0 : DATAGRAM_SLOT)
                    .setRecvByteBufAllocator(new FixedRecvByteBufAllocator(gro ? GRO_SLOT : DATAGRAM_SLOT * SLOTS_PER_READ)
                            .maxMessagesPerRead(MAX_DATAGRAMS_PER_READ));
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.unsafe().closeForcibly();
            throw e;
        }
    }

    /** True when the channel takes {@code SegmentedDatagramPacket}s (UDP_SEGMENT, Linux 4.18+). */
    static boolean gsoSupported() {
        return EpollDatagramChannel.isSegmentedDatagramPacketSupported();
    }

    private static boolean enableGro(EpollDatagramChannel channel) {
        try {
            channel.config().setUdpGro(true);
            return channel.config().isUdpGro();
        } catch (ChannelException e) {
            return false; // a kernel before 5.0: one datagram per slot
        }
    }
}
