package espgw.linux.raw;

import espgw.linux.libc.NativeCallException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A raw {@code IPPROTO_ESP} socket as a Netty channel on an epoll {@link IoEventLoop} (e.g.
 * {@code new MultiThreadIoEventLoopGroup(n, EpollIoHandler.newFactory())}).
 *
 * <p><b>Inbound</b>: each datagram is one direct {@link ByteBuf} from the channel's allocator
 * holding the whole outer IPv4 packet (header + ESP), exactly as the kernel delivers it; see
 * {@link EspDatagrams} for the source address and the ESP offset. The next handler owns it.
 * Up to {@link EspSocketOptions#maxDatagramsPerRead()} datagrams are read per wakeup, one
 * {@code channelRead} each and one {@code channelReadComplete} per batch. A datagram longer than
 * {@link EspSocketOptions#maxDatagramSize()} arrives truncated: it is released and counted in
 * {@link #truncatedDatagrams()}.
 *
 * <p><b>Outbound</b>: each message is a direct {@link ByteBuf} holding a complete outer IPv4
 * packet; it goes out unchanged ({@code IP_HDRINCL}) to its header's destination address and is
 * released once sent. When the kernel's send buffer is full the channel waits for EPOLLOUT; the
 * channel's write buffer water marks drive {@code isWritable()}. A packet the kernel refuses (no
 * route, too big) fails its own promise and the rest are still sent.
 *
 * <p>Per-packet I/O goes through Netty's JNI ({@link Socket}); JNA is used only in {@link #open}.
 */
public final class EspSocketChannel extends AbstractChannel implements UnixChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);
    /** sendto(2) port argument: raw IP sockets have no ports. */
    private static final int NO_PORT = 0;

    private final Socket socket;
    private final EspSocketOptions options;
    private final ChannelConfig config;
    private final Ipv4AddressCache destinations = new Ipv4AddressCache();

    private IoRegistration registration;
    /**
     * Never NONE: Netty 4.2.18 turns a submitted NONE into EPOLL_CTL_DEL, after which the next
     * submit fails with ENOENT. EPOLLERR is reported whether asked for or not, so it costs nothing.
     */
    private EpollIoOps interest = EpollIoOps.EPOLLERR;
    private boolean readPending;
    /** Written only on the event loop; volatile so that metrics and tests may read it anywhere. */
    private volatile long truncatedDatagrams;

    private EspSocketChannel(int fd, EspSocketOptions options) {
        super(null);
        this.socket = new Socket(fd);
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
        return new EspSocketChannel(RawEspSocket.open(options), options);
    }

    /** Datagrams dropped because they were longer than {@link EspSocketOptions#maxDatagramSize()}. */
    public long truncatedDatagrams() {
        return truncatedDatagrams;
    }

    @Override
    public FileDescriptor fd() {
        return socket;
    }

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    /** Unbound and unconnected, a raw socket can send and receive as soon as it exists. */
    @Override
    public boolean isActive() {
        return socket.isOpen();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop && ((IoEventLoop) loop).isCompatible(EspUnsafe.class);
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((EspUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                registration.submit(interest);
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doDeregister() {
        if (registration != null) {
            registration.cancel();
            registration = null;
        }
    }

    @Override
    protected void doBeginRead() {
        readPending = true;
        updateInterest(interest.with(EpollIoOps.EPOLLIN));
    }

    @Override
    protected void doClose() throws Exception {
        try {
            // Leave epoll before the fd number can be reused by another open.
            doDeregister();
        } finally {
            socket.close();
        }
    }

    /** The channel closes: connectionless channels have no disconnect of their own. */
    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    /**
     * Not supported: with IP_HDRINCL each packet's own header carries its source address, and the
     * socket receives ESP for every local address.
     */
    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a raw ESP socket is not bound; the source address is in each packet");
    }

    @Override
    protected SocketAddress localAddress0() {
        return null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    /** Only what {@link #doWrite} can send as is: one direct buffer with at least an IPv4 header. */
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

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        for (;;) {
            ByteBuf packet = (ByteBuf) in.current();
            if (packet == null) {
                updateInterest(interest.without(EpollIoOps.EPOLLOUT));
                return;
            }
            try {
                if (send(packet) == 0) {
                    // EAGAIN: the kernel's send buffer is full; resume when epoll says it drained.
                    updateInterest(interest.with(EpollIoOps.EPOLLOUT));
                    return;
                }
                in.remove();
            } catch (IOException e) {
                // This packet only (e.g. EMSGSIZE, ENETUNREACH): fail its promise, as a UDP channel does.
                in.remove(e);
            }
        }
    }

    /** Bytes sent, or 0 when the socket would block. */
    private int send(ByteBuf packet) throws IOException {
        InetAddress destination = destinations.get(EspDatagrams.destinationAddress(packet));
        int from = packet.readerIndex();
        int to = packet.writerIndex();
        if (packet.hasMemoryAddress()) {
            return socket.sendToAddress(packet.memoryAddress(), from, to, destination, NO_PORT);
        }
        ByteBuffer nio = packet.internalNioBuffer(from, to - from);
        return socket.sendTo(nio, nio.position(), nio.limit(), destination, NO_PORT);
    }

    /** Bytes received into {@code buffer}, 0 when nothing is waiting. */
    private int receive(ByteBuf buffer) throws IOException {
        int capacity = buffer.capacity();
        if (buffer.hasMemoryAddress()) {
            return socket.recvAddress(buffer.memoryAddress(), 0, capacity);
        }
        ByteBuffer nio = buffer.internalNioBuffer(0, capacity);
        return socket.recv(nio, nio.position(), nio.limit());
    }

    private void readReady() {
        ChannelPipeline pipeline = pipeline();
        ByteBufAllocator allocator = config.getAllocator();
        readPending = false;
        try {
            for (int i = 0; i < options.maxDatagramsPerRead(); i++) {
                ByteBuf datagram = allocator.directBuffer(options.maxDatagramSize());
                int length;
                try {
                    length = receive(datagram);
                } catch (IOException | RuntimeException e) {
                    datagram.release();
                    throw e;
                }
                if (length <= 0) {
                    datagram.release();
                    break;
                }
                datagram.writerIndex(length);
                if (EspDatagrams.totalLength(datagram) > length) {
                    datagram.release();
                    truncatedDatagrams++;
                    continue;
                }
                pipeline.fireChannelRead(datagram);
                if (!readPending && !config.isAutoRead()) {
                    break;
                }
            }
        } catch (IOException e) {
            pipeline.fireExceptionCaught(e);
        }
        pipeline.fireChannelReadComplete();
        if (!readPending && !config.isAutoRead()) {
            updateInterest(interest.without(EpollIoOps.EPOLLIN));
        }
    }

    /**
     * EPOLLERR: the kernel stored an error on the socket. Reading SO_ERROR clears it, so that
     * level-triggered epoll does not wake us again for the same error. ICMP errors do not land
     * here: the kernel reports them on raw sockets only when connected or with IP_RECVERR.
     */
    private void errorReady() {
        try {
            int errno = socket.getSoError();
            if (errno != 0) {
                pipeline().fireExceptionCaught(new NativeCallException("ESP socket error reported by the kernel", errno));
            }
        } catch (IOException e) {
            pipeline().fireExceptionCaught(e);
        }
    }

    private void updateInterest(EpollIoOps wanted) {
        if (wanted.equals(interest)) {
            return;
        }
        interest = wanted;
        if (registration != null) {
            registration.submit(wanted);
        }
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new EspUnsafe();
    }

    /** The event loop's view of this channel: the fd to poll and what to do when it is ready. */
    private final class EspUnsafe extends AbstractUnsafe implements EpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return socket;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            EpollIoOps ready = ((EpollIoEvent) event).ops();
            if (ready.contains(EpollIoOps.EPOLLERR)) {
                errorReady();
            }
            if (ready.contains(EpollIoOps.EPOLLOUT)) {
                super.flush0();
            }
            if (ready.contains(EpollIoOps.EPOLLIN)) {
                readReady();
            }
        }

        /** While waiting for EPOLLOUT a flush would only hit EAGAIN again; the event flushes. */
        @Override
        protected void flush0() {
            if (!interest.contains(EpollIoOps.EPOLLOUT)) {
                super.flush0();
            }
        }

        /** Not supported: every packet names its own peer in its IPv4 header. */
        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            safeSetFailure(promise, new UnsupportedOperationException(
                    "a raw ESP socket is not connected; the destination address is in each packet"));
        }

        /** The event loop is shutting down. */
        @Override
        public void close() {
            close(voidPromise());
        }
    }
}
