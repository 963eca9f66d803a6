package espgw.linux.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * One TUN queue as a Netty channel on an epoll {@link IoEventLoop}: every read is one IP packet
 * in its own pooled direct buffer, every written {@link ByteBuf} is one packet. Registered through
 * Netty's public {@link EpollIoHandle} / {@link IoRegistration} API, level-triggered.
 *
 * <p>Reads: on EPOLLIN the fd is drained until EAGAIN or {@link TunChannelOption#MAX_PACKETS_PER_READ}
 * packets, straight into buffers from the channel's allocator with
 * {@link FileDescriptor#readAddress}; each packet starts at readerIndex = headroom
 * ({@link TunChannelOption#HEADROOM}). One {@code channelRead} per packet (the handler owns the
 * buffer), one {@code channelReadComplete} per wakeup.
 *
 * <p>Writes: {@link #doWrite} hands each flushed buffer to {@link FileDescriptor#writeAddress}; a
 * TUN write is all or nothing. On EAGAIN it stops, asks for EPOLLOUT and resumes there, so
 * unflushed bytes pile up in the outbound buffer and {@link #isWritable()} turns false at the
 * high water mark. Nothing is dropped silently: a packet the kernel refuses fails its promise and
 * is counted ({@link #packetsRejected()}); packets still queued at close fail with the close.
 *
 * <p>Threading: everything runs on the channel's event loop; the counters are event-loop confined
 * (read them there, e.g. through {@code eventLoop().submit}).
 */
public final class TunChannel extends AbstractChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);
    /**
     * The interest set when neither reading nor writing. EPOLLERR is reported anyway; it is here
     * because Netty's registration turns an empty set into EPOLL_CTL_DEL and the next interest
     * into EPOLL_CTL_MOD, which then fails with ENOENT.
     */
    private static final EpollIoOps IDLE = EpollIoOps.EPOLLERR;

    static {
        // FileDescriptor's read/write are JNI methods registered by Netty's epoll native library.
        Epoll.ensureAvailability();
    }

    private final FileDescriptor fd;
    private final TunChannelConfig config;
    private IoRegistration registration;
    private EpollIoOps ops = IDLE;
    private boolean readPending;

    private long packetsRead;
    private long packetsTruncated;
    private long packetsWritten;
    private long packetsRejected;
    private long writeStalls;

    /** Takes ownership of {@code queue} (a non-blocking TUN queue fd): closing the channel closes it. */
    public TunChannel(FileDescriptor queue) {
        super(null);
        this.fd = queue;
        this.config = new TunChannelConfig(this);
    }

    public FileDescriptor fd() {
        return fd;
    }

    /** Packets read from the queue, including truncated ones. */
    public long packetsRead() {
        return packetsRead;
    }

    /** Packets larger than {@link TunChannelOption#MAX_PACKET_SIZE}: read truncated, released, not passed on. */
    public long packetsTruncated() {
        return packetsTruncated;
    }

    /** Packets the kernel accepted. */
    public long packetsWritten() {
        return packetsWritten;
    }

    /** Packets the kernel refused (e.g. EINVAL for a malformed packet); their promises failed. */
    public long packetsRejected() {
        return packetsRejected;
    }

    /** Times a write met EAGAIN and the channel waited for EPOLLOUT. */
    public long writeStalls() {
        return writeStalls;
    }

    @Override
    public TunChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return fd.isOpen();
    }

    /** A TUN queue carries packets from the moment it is open; there is nothing to connect. */
    @Override
    public boolean isActive() {
        return fd.isOpen();
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new TunUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop && ((IoEventLoop) loop).isCompatible(TunUnsafe.class);
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((TunUnsafe) unsafe()).addListener((Future<IoRegistration> f) -> {
            if (f.isSuccess()) {
                registration = f.getNow();
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doDeregister() {
        IoRegistration current = registration;
        if (current != null) {
            registration = null;
            ops = IDLE;
            current.cancel();
        }
    }

    @Override
    protected void doBeginRead() {
        readPending = true;
        interest(ops.with(EpollIoOps.EPOLLIN));
    }

    @Override
    protected void doClose() throws Exception {
        try {
            doDeregister();
        } finally {
            fd.close();
        }
    }

    /** A TUN queue has no peer; disconnect is close (see {@link ChannelMetadata#hasDisconnect()}). */
    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a TUN queue has no address to bind");
    }

    /** A TUN queue has no socket address. */
    @Override
    protected SocketAddress localAddress0() {
        return null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    /** Only buffers are packets; one without a memory address is copied into a direct one. */
    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (!(msg instanceof ByteBuf)) {
            throw new UnsupportedOperationException("a TUN channel writes ByteBufs holding one IP packet each, not "
                    + msg.getClass().getName());
        }
        ByteBuf packet = (ByteBuf) msg;
        if (packet.hasMemoryAddress()) {
            return packet;
        }
        try {
            ByteBuf direct = alloc().directBuffer(packet.readableBytes());
            direct.writeBytes(packet, packet.readerIndex(), packet.readableBytes());
            return direct;
        } finally {
            packet.release();
        }
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        for (int budget = maxMessagesPerWrite(); budget > 0; budget--) {
            ByteBuf packet = (ByteBuf) in.current();
            if (packet == null) {
                interest(ops.without(EpollIoOps.EPOLLOUT));
                return;
            }
            int length = packet.readableBytes();
            int written;
            try {
                written = fd.writeAddress(packet.memoryAddress(), packet.readerIndex(), packet.writerIndex());
            } catch (IOException refused) {
                packetsRejected++;
                in.remove(refused);
                continue;
            }
            if (written == 0) {
                writeStalls++;
                interest(ops.with(EpollIoOps.EPOLLOUT));
                return;
            }
            if (written == length) {
                packetsWritten++;
                in.remove();
            } else {
                packetsRejected++;
                in.remove(new IOException("short write of " + written + " of " + length + " bytes to a TUN queue"));
            }
        }
        // Budget spent with packets left: EPOLLOUT brings us back after the other channels had a turn.
        interest(ops.with(EpollIoOps.EPOLLOUT));
    }

    private void interest(EpollIoOps wanted) {
        if (wanted.equals(ops)) {
            return;
        }
        ops = wanted;
        if (registration != null) {
            registration.submit(wanted);
        }
    }

    private final class TunUnsafe extends AbstractUnsafe implements EpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration ignored, IoEvent event) {
            EpollIoOps ready = ((EpollIoEvent) event).ops();
            // A TUN fd reports EPOLLERR once its interface is gone; the read then fails with the
            // reason and closes the channel, instead of epoll reporting the error forever.
            boolean error = ready.contains(EpollIoOps.EPOLLERR);
            if (ready.contains(EpollIoOps.EPOLLOUT) || error && ops.contains(EpollIoOps.EPOLLOUT)) {
                super.flush0();
            }
            if (ready.contains(EpollIoOps.EPOLLIN) || error && isOpen()) {
                readReady(error);
            }
        }

        /** While waiting for EPOLLOUT, flushing again would only meet EAGAIN again. */
        @Override
        protected void flush0() {
            if (!ops.contains(EpollIoOps.EPOLLOUT)) {
                super.flush0();
            }
        }

        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("a TUN queue has no peer to connect to"));
        }

        /** Called by the event loop when it shuts down with the channel still registered. */
        @Override
        public void close() {
            close(voidPromise());
        }

        private void readReady(boolean error) {
            TunChannelConfig config = config();
            if (!error && !readPending && !config.isAutoRead()) {
                interest(ops.without(EpollIoOps.EPOLLIN));
                return;
            }
            ChannelPipeline pipeline = pipeline();
            ByteBufAllocator allocator = config.getAllocator();
            int headroom = config.getHeadroom();
            int limit = headroom + config.getMaxPacketSize();
            // The kernel cuts a packet to the room offered and says nothing, so offer one byte more
            // than the largest packet: a read that fills it was cut. That byte is tailroom anyway.
            int capacity = limit + Math.max(1, config.getTailroom());
            int budget = config.getMaxPacketsPerRead();
            boolean readAny = false;
            IOException failure = null;
            boolean endOfFile = false;
            while (budget-- > 0) {
                ByteBuf packet = allocator.directBuffer(capacity, capacity);
                int length;
                try {
                    length = fd.readAddress(packet.memoryAddress(), headroom, limit + 1);
                } catch (IOException e) {
                    packet.release();
                    failure = e;
                    break;
                }
                if (length <= 0) {
                    packet.release();
                    endOfFile = length < 0;
                    break;
                }
                packetsRead++;
                readAny = true;
                if (length > limit - headroom) {
                    packetsTruncated++;
                    packet.release();
                    continue;
                }
                packet.setIndex(headroom, headroom + length);
                readPending = false;
                pipeline.fireChannelRead(packet);
                if (!config.isAutoRead() && !readPending) {
                    break;
                }
            }
            if (readAny) {
                pipeline.fireChannelReadComplete();
            }
            if (failure != null || endOfFile) {
                if (failure != null) {
                    pipeline.fireExceptionCaught(failure);
                }
                close(voidPromise());
                return;
            }
            if (!readPending && !config.isAutoRead()) {
                interest(ops.without(EpollIoOps.EPOLLIN));
            }
        }
    }
}
