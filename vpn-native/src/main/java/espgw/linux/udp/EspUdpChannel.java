package espgw.linux.udp;

import static espgw.linux.libc.NetinetIn.IPPROTO_UDP;
import static espgw.linux.libc.NetinetIn.UDP_GRO;
import static espgw.linux.libc.NetinetIn.UDP_SEGMENT;
import static espgw.linux.libc.Socket.AF_INET;
import static espgw.linux.libc.Socket.SOCK_CLOEXEC;
import static espgw.linux.libc.Socket.SOCK_DGRAM;
import static espgw.linux.libc.Socket.SOCK_NONBLOCK;
import static espgw.linux.libc.Socket.SOL_SOCKET;
import static espgw.linux.libc.Socket.SO_MARK;
import static espgw.linux.libc.Socket.SO_RCVBUFFORCE;
import static espgw.linux.libc.Socket.SO_SNDBUFFORCE;

import com.sun.jna.LastErrorException;
import espgw.linux.Inet4Addresses;
import espgw.linux.epoll.DatagramSocketChannel;
import espgw.linux.epoll.PacketFdChannel;
import espgw.linux.libc.Errno;
import espgw.linux.libc.LibC;
import espgw.linux.libc.MessageVector;
import espgw.linux.libc.NativeCallException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IPv4 UDP socket of ESP in UDP (RFC 3948) as a Netty channel on an epoll {@link IoEventLoop},
 * built so that a datagram costs no object: registration, the read and write loops and the
 * counters are {@link PacketFdChannel}'s.
 *
 * <p><b>Inbound</b>: each datagram's payload is one direct {@link ByteBuf} (the next handler owns
 * it); its sender is {@link #sender()} while it is passed on. Up to {@value #DATAGRAMS_PER_CALL}
 * reads come with one recvmmsg. With UDP_GRO (Linux 5.0+) one read may hold a run of datagrams the
 * kernel coalesced; the channel passes each on as a slice of that read, so the pipeline never sees
 * a coalesced buffer. A datagram longer than its read buffer (without GRO, {@value #DATAGRAM_SLOT}
 * bytes) arrives cut: it is released and counted in {@link #packetsTruncated()}.
 * {@link #packetsRead()} counts reads, a GRO run once.
 *
 * <p><b>Outbound</b>: a {@link DatagramPacket} to an IPv4 recipient, its content one direct
 * buffer; a {@link SegmentedDatagramPacket} is a run the kernel cuts into datagrams of its segment
 * size (UDP GSO, Linux 4.18+, {@link #isUdpGso()}). A flush's datagrams go with one sendmmsg per
 * {@value #DATAGRAMS_PER_CALL}. One the kernel refuses (no route, too big) fails its own promise
 * with a {@link DatagramsRefusedException} naming the errno and the datagrams lost; the rest are
 * still sent. A GSO run the kernel cannot send as such (EIO: the device cannot checksum it;
 * EINVAL or EMSGSIZE, by kernel version: a segment does not fit the route's MTU, where a lone
 * datagram would be fragmented) also turns {@link #isUdpGso()} off, so that its writers send
 * datagrams one by one from then on.
 *
 * <p>SO_MARK carries the tunnel's fwmark, as on the raw ESP socket. The channel is active while
 * open, bound or not; bind it to the local address and port before traffic.
 */
public final class EspUdpChannel extends DatagramSocketChannel<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(EspUdpChannel.class);
    /** Largest UDP payload: an IPv4 datagram of 65535 octets less the IPv4 and UDP headers. */
    public static final int MAX_PAYLOAD = 65535 - 20 - 8;
    /** One run of datagrams the kernel coalesced (GRO): at most 64 KiB. */
    public static final int GRO_SLOT = 65536;
    /** One datagram without GRO: room for a 1500-byte path with slack, like the raw socket. */
    static final int DATAGRAM_SLOT = 2048;
    /**
     * Messages per recvmmsg and sendmmsg, as on the raw ESP socket: Netty's recycler keeps 32 freed
     * objects per thread by default, and more buffers freed at once allocate. Reads offer fewer
     * slots while traffic trickles (PacketFdChannel).
     */
    static final int DATAGRAMS_PER_CALL = 32;
    /** Reads per epoll wakeup (a GRO run counts once) before other channels get a turn. */
    static final int MAX_READS_PER_WAKEUP = 256;
    /**
     * Bytes per epoll wakeup: two GRO runs of full-size datagrams. What a wakeup read is decrypted
     * and written to the TUN device only at its end, so a wakeup that drained 256 runs held TCP's
     * segments and acknowledgements back: ~10 % less TCP and UDP throughput and ~60 µs more per ping
     * than Netty's channel, which stopped after one run (vpn-bench/results/udp-channel-and-parallelgc-2026-11-29.md).
     */
    static final int MAX_BYTES_PER_WAKEUP = 2 * GRO_SLOT;

    private final ChannelConfig config;
    private final boolean gro;
    /** Turned off for good when the kernel refuses a GSO run as such; read by other event loops. */
    private volatile boolean gso;
    private final MessageVector received = MessageVector.forUdp(DATAGRAMS_PER_CALL);
    private final MessageVector sent = MessageVector.forUdp(DATAGRAMS_PER_CALL);
    private final RecipientAddresses recipients = new RecipientAddresses();
    /** The sender of the datagram being passed on. */
    private int senderAddress;
    private int senderPort;
    /** The last sender asked for, as an object. */
    private InetSocketAddress sender;
    private int senderObjectAddress;

    private EspUdpChannel(Socket socket, boolean gro, boolean gso) {
        super(socket, DatagramPacket[]::new, "ESP-in-UDP socket");
        this.gro = gro;
        this.gso = gso;
        this.config = new DefaultChannelConfig(this);
    }

    /**
     * Opens an unbound IPv4 UDP socket in the calling thread's network namespace, with
     * {@code mark} on what it sends (0: none) and kernel buffers of {@code bufferBytes} each way,
     * receiving with GRO and sending with GSO where the kernel has them. Register the result with
     * an epoll {@link IoEventLoop}, then bind it.
     *
     * @throws NativeCallException when the socket cannot be created or configured, e.g. without
     *     CAP_NET_ADMIN (SO_MARK, buffer sizes)
     */
    public static EspUdpChannel open(int mark, int bufferBytes) throws NativeCallException {
        // Loads Netty's JNI library, which the unix Socket below needs.
        Epoll.ensureAvailability();
        int fd;
        try {
            fd = espgw.linux.libc.Socket.socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw NativeCallException.of("socket(AF_INET, SOCK_DGRAM)", e);
        }
        try {
            if (mark != 0) {
                setOption(fd, SOL_SOCKET, SO_MARK, mark, "SO_MARK (needs CAP_NET_ADMIN)");
            }
            // The FORCE variants: a gateway needs buffers beyond net.core.[rw]mem_max.
            setOption(fd, SOL_SOCKET, SO_RCVBUFFORCE, bufferBytes, "SO_RCVBUFFORCE (needs CAP_NET_ADMIN)");
            setOption(fd, SOL_SOCKET, SO_SNDBUFFORCE, bufferBytes, "SO_SNDBUFFORCE (needs CAP_NET_ADMIN)");
            boolean gro = kernelHas(fd, UDP_GRO, 1);
            // A socket-wide segment size of 0 changes nothing; the kernel refuses it only without GSO.
            boolean gso = kernelHas(fd, UDP_SEGMENT, 0);
            return new EspUdpChannel(new Socket(fd), gro, gso);
        } catch (NativeCallException | RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    private static void setOption(int fd, int level, int option, int value, String name) throws NativeCallException {
        espgw.linux.libc.Socket.setIntOption(fd, level, option, value, name);
    }

    /** Whether the kernel takes this UDP option (ENOPROTOOPT before the version that added it). */
    private static boolean kernelHas(int fd, int option, int value) {
        try {
            setOption(fd, IPPROTO_UDP, option, value, "UDP option " + option);
            return true;
        } catch (NativeCallException e) {
            return false;
        }
    }

    /** Whether reads may hold coalesced runs of datagrams (UDP_GRO). */
    public boolean isUdpGro() {
        return gro;
    }

    /**
     * Whether a {@link SegmentedDatagramPacket} can be sent: the kernel has UDP_SEGMENT and has not
     * refused a run as such. Readable from any thread.
     */
    public boolean isUdpGso() {
        return gso;
    }

    /**
     * The sender of the datagram being passed on: only valid inside the {@code channelRead} that
     * carries it, on the event loop. A new object only when the sender differs from the last one asked for.
     */
    public InetSocketAddress sender() {
        if (sender == null || sender.getPort() != senderPort || senderObjectAddress != senderAddress) {
            sender = new InetSocketAddress(Inet4Addresses.fromInt(senderAddress), senderPort);
            senderObjectAddress = senderAddress;
        }
        return sender;
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    protected int maxPacketsPerRead() {
        return MAX_READS_PER_WAKEUP;
    }

    @Override
    protected int maxBytesPerRead() {
        return MAX_BYTES_PER_WAKEUP;
    }

    @Override
    protected int maxPacketsPerCall() {
        return DATAGRAMS_PER_CALL;
    }

    @Override
    protected ByteBuf newReadBuffer(ByteBufAllocator allocator) {
        return allocator.directBuffer(gro ? GRO_SLOT : DATAGRAM_SLOT);
    }

    /** recvmmsg into every buffer; a UDP socket has no end of input. */
    @Override
    protected int readPackets(ByteBuf[] buffers, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            ByteBuf buffer = buffers[i];
            received.setBuffer(i, buffer.memoryAddress(), buffer.capacity());
        }
        int reads = received.receive(socket().intValue(), count);
        if (reads < 0) {
            return wouldBlock(-reads, "recvmmsg on the ESP-in-UDP socket");
        }
        for (int i = 0; i < reads; i++) {
            buffers[i].writerIndex(received.length(i));
        }
        return reads;
    }

    @Override
    protected boolean isTruncated(ByteBuf packet, int slot) {
        return received.isTruncated(slot);
    }

    /** A GRO run goes on as one slice per datagram, in order; a single datagram as it is. */
    @Override
    protected void firePacket(ChannelPipeline pipeline, ByteBuf read, int slot) {
        senderAddress = received.sourceAddress(slot);
        senderPort = received.sourcePort(slot);
        int segmentSize = received.segmentSize(slot);
        if (segmentSize == 0 || read.readableBytes() <= segmentSize) {
            pipeline.fireChannelRead(read);
            return;
        }
        try {
            for (int at = read.readerIndex(), end = read.writerIndex(); at < end && isOpen(); at += segmentSize) {
                pipeline.fireChannelRead(read.retainedSlice(at, Math.min(segmentSize, end - at)));
            }
        } finally {
            read.release();
        }
    }

    /** sendmmsg of {@code packets[0..count)}: a datagram (or GSO run) goes out whole or not at all. */
    @Override
    protected int writePackets(DatagramPacket[] packets, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            DatagramPacket packet = packets[i];
            ByteBuf content = packet.content();
            InetSocketAddress recipient = packet.recipient();
            sent.setBuffer(i, content.memoryAddress() + content.readerIndex(), content.readableBytes());
            sent.setDestination(i, recipients.ipv4(recipient), recipient.getPort());
            sent.setSegmentSize(i, packet instanceof SegmentedDatagramPacket run ? run.segmentSize() : 0);
        }
        int datagrams = sent.send(socket().intValue(), count);
        if (datagrams < 0) {
            return refusedUnlessWouldBlock(-datagrams, packets[0]);
        }
        return datagrams;
    }

    /** 0 for EAGAIN; otherwise the kernel refused {@code first}, and this says how. */
    private int refusedUnlessWouldBlock(int errno, DatagramPacket first) throws DatagramsRefusedException {
        if (errno == Errno.EAGAIN) {
            return 0;
        }
        int length = first.content().readableBytes();
        if (!(first instanceof SegmentedDatagramPacket run) || run.segmentSize() >= length) {
            throw new DatagramsRefusedException("sendmmsg of an ESP-in-UDP datagram to " + first.recipient(), errno, 1);
        }
        int datagrams = (length + run.segmentSize() - 1) / run.segmentSize();
        if (gso && (errno == Errno.EIO || errno == Errno.EINVAL || errno == Errno.EMSGSIZE)) {
            gso = false;
            LOG.warn("UDP GSO refused by the kernel ({}, errno {}): ESP-in-UDP datagrams go one by one from now on",
                    LibC.strerror(errno), errno);
        }
        throw new DatagramsRefusedException("sendmmsg of a GSO run of " + datagrams + " ESP-in-UDP datagrams of "
                + run.segmentSize() + " bytes to " + first.recipient(), errno, datagrams);
    }

    @Override
    protected String whyNoConnect() {
        return "the ESP-in-UDP socket is not connected; each datagram names its recipient";
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws IOException {
        socket().bind(localAddress);
    }

    @Override
    protected SocketAddress localAddress0() {
        try {
            return socket().localAddress();
        } catch (RuntimeException e) {
            return null; // closed
        }
    }

    /**
     * A datagram to an IPv4 recipient; content without a memory address (a heap buffer, as IKE
     * may write) is copied into a direct one.
     */
    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (!(msg instanceof DatagramPacket packet) || !(packet.recipient().getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException("the ESP-in-UDP socket writes DatagramPackets to IPv4 recipients, not "
                    + msg);
        }
        ByteBuf content = packet.content();
        if (content.hasMemoryAddress()) {
            return packet;
        }
        ByteBuf direct = alloc().directBuffer(content.readableBytes()).writeBytes(content);
        DatagramPacket copy = packet.replace(direct);
        packet.release();
        return copy;
    }
}
