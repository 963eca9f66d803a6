package espgw.linux.raw;

import espgw.linux.epoll.DatagramSocketChannel;
import espgw.linux.epoll.PacketFdChannel;
import espgw.linux.libc.MessageVector;
import espgw.linux.libc.NativeCallException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A raw {@code IPPROTO_ESP} socket as a Netty channel on an epoll {@link IoEventLoop} (e.g.
 * {@code new MultiThreadIoEventLoopGroup(n, EpollIoHandler.newFactory())}). Registration, the read
 * and write loops and the counters are {@link PacketFdChannel}'s.
 *
 * <p><b>Inbound</b>: each datagram is one direct {@link ByteBuf} from the channel's allocator
 * holding the whole outer IPv4 packet (header + ESP), exactly as the kernel delivers it; see
 * {@link EspDatagrams} for the source address and the ESP offset. The next handler owns it.
 * Up to {@link EspSocketOptions#maxDatagramsPerRead()} datagrams are read per wakeup, one
 * {@code channelRead} each and one {@code channelReadComplete} per batch. A datagram longer than
 * {@link EspSocketOptions#maxDatagramSize()} arrives truncated: it is released and counted in
 * {@link #truncatedDatagrams()}. A failed read is reported with {@code exceptionCaught}; the socket
 * stays open.
 *
 * <p><b>Outbound</b>: each message is a direct {@link ByteBuf} holding a complete outer IPv4
 * packet; it goes out unchanged ({@code IP_HDRINCL}) to its header's destination address and is
 * released once sent. When the kernel's send buffer is full the channel waits for EPOLLOUT; the
 * channel's write buffer water marks drive {@code isWritable()}. A packet the kernel refuses (no
 * route, too big) fails its own promise and the rest are still sent.
 *
 * <p>System calls: up to {@value #DATAGRAMS_PER_CALL} datagrams are read with one recvmmsg, and as
 * many flushed packets written with one sendmmsg ({@link MessageVector}, one JNA call per batch). A
 * lone packet goes through Netty's JNI ({@link Socket}) instead: one system call either way, and a
 * JNI call costs less than a JNA one.
 */
public final class EspSocketChannel extends DatagramSocketChannel<ByteBuf> {
    /** sendto(2) port argument: raw IP sockets have no ports. */
    private static final int NO_PORT = 0;
    /**
     * Datagrams per sendmmsg/recvmmsg. Not 64: Netty's Recycler keeps at most 32 freed handles per
     * thread without allocating (io.netty.recycler.chunkSize), and 64 buffers taken from the pool
     * and returned at once overflow it into a queue that allocates, about 4 B per datagram
     * (EspSocketChannelAllocationTest). Past 32 the system call is amortized anyway.
     */
    static final int DATAGRAMS_PER_CALL = 32;

    private final EspSocketOptions options;
    private final ChannelConfig config;
    private final Ipv4AddressCache destinations = new Ipv4AddressCache();
    private final MessageVector received = MessageVector.forReceiving(DATAGRAMS_PER_CALL);
    private final MessageVector sent = MessageVector.forSending(DATAGRAMS_PER_CALL);

    private EspSocketChannel(Socket socket, EspSocketOptions options) {
        super(socket, ByteBuf[]::new, "ESP socket");
        this.options = options;
        this.config = new DefaultChannelConfig(this);
    }

    /**
     * Opens a raw ESP socket in the calling thread's network namespace. Register the result with an
     * epoll {@link IoEventLoop} to use it.
     *
     * @throws NativeCallException when the socket cannot be created or configured, e.g. without
     *     CAP_NET_RAW (socket) or CAP_NET_ADMIN (SO_MARK, buffer sizes)
     */
    public static EspSocketChannel open(EspSocketOptions options) throws NativeCallException {
        // Loads Netty's JNI library, which the unix Socket below needs.
        Epoll.ensureAvailability();
        return new EspSocketChannel(new Socket(RawEspSocket.open(options)), options);
    }

    /** Datagrams dropped because they were longer than {@link EspSocketOptions#maxDatagramSize()}. */
    public long truncatedDatagrams() {
        return packetsTruncated();
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    protected int maxPacketsPerRead() {
        return options.maxDatagramsPerRead();
    }

    @Override
    protected int maxPacketsPerCall() {
        return DATAGRAMS_PER_CALL;
    }

    @Override
    protected ByteBuf newReadBuffer(ByteBufAllocator allocator) {
        return allocator.directBuffer(options.maxDatagramSize());
    }

    /**
     * The datagram from offset 0. A raw socket has no end of input, so an empty read is only
     * nothing to deliver.
     */
    private int readPacket(ByteBuf buffer) throws IOException {
        int capacity = buffer.capacity();
        int length;
        if (buffer.hasMemoryAddress()) {
            length = socket().recvAddress(buffer.memoryAddress(), 0, capacity);
        } else {
            ByteBuffer nio = buffer.internalNioBuffer(0, capacity);
            length = socket().recv(nio, nio.position(), nio.limit());
        }
        if (length <= 0) {
            return 0;
        }
        buffer.writerIndex(length);
        return length;
    }

    /**
     * recvmmsg into every buffer; readPacket for one, or for buffers without a memory address (all
     * come from the same allocator, so the first tells).
     */
    @Override
    protected int readPackets(ByteBuf[] buffers, int count) throws IOException {
        if (count == 1 || !buffers[0].hasMemoryAddress()) {
            return Integer.signum(readPacket(buffers[0]));
        }
        for (int i = 0; i < count; i++) {
            ByteBuf buffer = buffers[i];
            received.setBuffer(i, buffer.memoryAddress(), buffer.capacity());
        }
        int datagrams = received.receive(socket().intValue(), count);
        if (datagrams < 0) {
            return wouldBlock(-datagrams, "recvmmsg on the ESP socket");
        }
        for (int i = 0; i < datagrams; i++) {
            buffers[i].writerIndex(received.length(i));
        }
        return datagrams;
    }

    /** The kernel cuts a datagram to the buffer silently; its IPv4 header still has the real length. */
    @Override
    protected boolean isTruncated(ByteBuf datagram, int slot) {
        return EspDatagrams.totalLength(datagram) > datagram.readableBytes();
    }

    private int writePacket(ByteBuf packet) throws IOException {
        InetAddress destination = destinations.get(EspDatagrams.destinationAddress(packet));
        int from = packet.readerIndex();
        int to = packet.writerIndex();
        if (packet.hasMemoryAddress()) {
            return socket().sendToAddress(packet.memoryAddress(), from, to, destination, NO_PORT);
        }
        ByteBuffer nio = packet.internalNioBuffer(from, to - from);
        return socket().sendTo(nio, nio.position(), nio.limit(), destination, NO_PORT);
    }

    /**
     * sendmmsg of the leading packets that have a memory address (all, from a pipeline of pooled
     * direct buffers); writePacket for a lone one. A datagram goes out whole or not at all.
     */
    @Override
    protected int writePackets(ByteBuf[] packets, int count) throws IOException {
        int batched = 0;
        while (batched < count && packets[batched].hasMemoryAddress()) {
            ByteBuf packet = packets[batched];
            sent.setBuffer(batched, packet.memoryAddress() + packet.readerIndex(), packet.readableBytes());
            sent.setDestination(batched, EspDatagrams.destinationAddress(packet));
            batched++;
        }
        if (batched < 2) {
            return wholePacket(writePacket(packets[0]), packets[0].readableBytes());
        }
        int datagrams = sent.send(socket().intValue(), batched);
        if (datagrams < 0) {
            return wouldBlock(-datagrams, "sendmmsg of an ESP packet");
        }
        return datagrams;
    }

    /** Every packet names its own peer in its IPv4 header. */
    @Override
    protected String whyNoConnect() {
        return "a raw ESP socket is not connected; the destination address is in each packet";
    }

    /**
     * Not supported: with IP_HDRINCL each packet's own header carries its source address, and the
     * socket receives ESP for every local address.
     */
    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a raw ESP socket is not bound; the source address is in each packet");
    }

    /** Only what the socket can send as is: one direct buffer with at least an IPv4 header. */
    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) {
            ByteBuf packet = (ByteBuf) msg;
            if (packet.isDirect() && packet.nioBufferCount() == 1
                    && packet.readableBytes() >= EspDatagrams.IPV4_MIN_HEADER_LENGTH) {
                return packet;
            }
        }
        throw new IllegalArgumentException("an ESP socket writes one direct ByteBuf holding a whole IPv4 packet, not "
                + msg);
    }
}
