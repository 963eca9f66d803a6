package espgw.linux.epoll;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.function.IntFunction;

/**
 * A Netty channel over one non-blocking fd that carries whole packets, registered level-triggered
 * on an epoll {@link IoEventLoop} (e.g. {@code new MultiThreadIoEventLoopGroup(n,
 * EpollIoHandler.newFactory())}) through Netty's public {@link EpollIoHandle} API. Every read is
 * one packet in its own direct buffer (or several, where the subclass splits what one read holds);
 * every written message, of type {@code M}, is one packet. The channel owns the fd: closing the
 * channel closes it. It has no peer, and no address unless the subclass binds one; it is active
 * while the fd is open.
 *
 * <p>Reads: on EPOLLIN the fd is drained until it would block or {@link #maxPacketsPerRead()}
 * packets were read. One {@code channelRead} per packet (the handler owns the buffer; see
 * {@link #firePacket}), one {@code channelReadComplete} per wakeup that read anything. A packet the
 * subclass finds {@linkplain #isTruncated truncated} is released and counted instead. With auto-read off exactly
 * the packets asked for with {@code read()} are delivered; a handler that turns auto-read off
 * still gets the rest of the batch already read (see {@link #maxPacketsPerCall()}).
 *
 * <p>Writes: flushed messages go to {@link #writePackets}, in batches of up to
 * {@link #maxPacketsPerCall()}. When the fd would block the loop stops and asks for EPOLLOUT, so
 * unflushed bytes pile up in the outbound buffer and {@link #isWritable()} turns false at the
 * config's high water mark. Nothing is dropped silently: a packet the kernel refuses fails its own
 * promise and is counted; the rest are still written.
 *
 * <p>Threading: everything runs on the channel's event loop; the counters other than
 * {@link #packetsTruncated()} are event-loop confined (read them there, e.g. through
 * {@code eventLoop().submit}).
 */
public abstract class PacketFdChannel<M> extends AbstractChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false);
    /**
     * The interest set when neither reading nor writing. EPOLLERR is reported anyway; it is here
     * because Netty 4.2's registration turns a submitted empty set into EPOLL_CTL_DEL and the next
     * interest into EPOLL_CTL_MOD, which then fails with ENOENT. So the set is never empty.
     */
    private static final EpollIoOps IDLE = EpollIoOps.EPOLLERR;

    private final FileDescriptor fd;
    private IoRegistration registration;
    private EpollIoOps ops = IDLE;
    private boolean readPending;
    /**
     * Event-loop confined, sized {@link #maxPacketsPerCall()} on first use. Read buffers a read did
     * not fill stay here for the next one (released at close): a batch of 64 allocated and 63 freed
     * again per wakeup churns the allocator's caches into garbage of their own.
     */
    private ByteBuf[] readBatch;
    /**
     * Slots the next read offers: the next power of two above what the last one filled, doubled
     * while reads come back full. Each slot offered costs its buffer and its message header, cache
     * lines that are cold when a lone packet arrives after a quiet spell (a ping), so a trickle
     * gets few and a flood soon gets the whole batch.
     */
    private int readRoom = 1;
    private M[] writeBatch;
    private final IntFunction<M[]> newWriteBatch;
    private final FlushedPackets<M> flushed = new FlushedPackets<>();

    private long packetsRead;
    /** Rare, so volatile costs nothing: metrics and tests may read it from any thread. */
    private volatile long packetsTruncated;
    private long packetsWritten;
    private long packetsRejected;
    private long writeStalls;
    private long readCalls;
    private long writeCalls;

    /**
     * Takes ownership of {@code fd}, which must be non-blocking. {@code newWriteBatch} makes an
     * array of the messages {@link #filterOutboundMessage} lets through, e.g. {@code ByteBuf[]::new}.
     */
    protected PacketFdChannel(FileDescriptor fd, IntFunction<M[]> newWriteBatch) {
        super(null);
        this.fd = fd;
        this.newWriteBatch = newWriteBatch;
    }

    public FileDescriptor fd() {
        return fd;
    }

    /** Packets read from the fd, including truncated ones. */
    public long packetsRead() {
        return packetsRead;
    }

    /** Packets read truncated: released, not passed on. Readable from any thread. */
    public long packetsTruncated() {
        return packetsTruncated;
    }

    /** Packets the kernel accepted. */
    public long packetsWritten() {
        return packetsWritten;
    }

    /** Packets the kernel refused (or took only in part); their promises failed. */
    public long packetsRejected() {
        return packetsRejected;
    }

    /** Times a write would have blocked and the channel waited for EPOLLOUT. */
    public long writeStalls() {
        return writeStalls;
    }

    /** Calls of {@link #readPackets}: with {@link #packetsRead()}, how well reads are batched. */
    public long readCalls() {
        return readCalls;
    }

    /** Calls of {@link #writePackets}: with {@link #packetsWritten()}, how well writes are batched. */
    public long writeCalls() {
        return writeCalls;
    }

    // ---- what differs between packet channels ----

    /** Upper bound of packets read per EPOLLIN wakeup, so that other channels get their turn. */
    protected abstract int maxPacketsPerRead();

    /**
     * Bytes after which a wakeup reads no more (the packet that crosses it is the last); a batch
     * read offers no more buffers than the bytes left can fill. No limit by default.
     */
    protected int maxBytesPerRead() {
        return Integer.MAX_VALUE;
    }

    /**
     * A fresh direct buffer large enough for the largest packet plus whatever shows truncation. It
     * may wait, unfilled, for a later read.
     */
    protected abstract ByteBuf newReadBuffer(ByteBufAllocator allocator);

    /**
     * Packets one system call can read or write on this fd, e.g. with recvmmsg/sendmmsg; 1 (the
     * default) for fds that take one packet per read and write. Asked once, on first use.
     */
    protected int maxPacketsPerCall() {
        return 1;
    }

    /**
     * Reads up to {@code count} packets, each into its own buffer of {@code buffers[0..count)}
     * (from {@link #newReadBuffer}, unfilled), and sets each one's reader and writer index around its
     * packet; the buffers it does not fill it leaves as they were.
     *
     * @return packets read, from {@code buffers[0]} on; fewer than {@code count} means the fd has no
     *     more for now. 0 when the fd would block, negative at end of input (the channel closes)
     */
    protected abstract int readPackets(ByteBuf[] buffers, int count) throws IOException;

    /**
     * Whether the kernel cut {@code packet}, read into slot {@code slot} of the last
     * {@link #readPackets} call, to the room offered.
     */
    protected abstract boolean isTruncated(ByteBuf packet, int slot);

    /**
     * Passes on {@code packet}, read into slot {@code slot} of the last {@link #readPackets} call
     * and not truncated: one {@code channelRead}, unless the subclass knows better (the pipeline
     * then owns what it hands on; this method owns {@code packet}).
     */
    protected void firePacket(ChannelPipeline pipeline, ByteBuf packet, int slot) {
        pipeline.fireChannelRead(packet);
    }

    /**
     * Writes {@code packets[0..count)}, the next flushed messages, in as few system calls as the fd
     * allows.
     *
     * @return how many of them, from the first, the kernel took whole; 0 when the fd would block
     *     before the first. The rest are offered again.
     * @throws IOException when the kernel refuses {@code packets[0]} (or takes only part of it);
     *     only its promise fails, the rest are offered again
     */
    protected abstract int writePackets(M[] packets, int count) throws IOException;

    /**
     * For a {@link #writePackets} that writes one packet of {@code length} bytes with a call that
     * returned {@code written}: 1 when it went whole, 0 when the fd would block.
     *
     * @throws IOException when only part of it went
     */
    protected static int wholePacket(int written, int length) throws IOException {
        if (written == 0) {
            return 0;
        }
        if (written != length) {
            throw new IOException("short write of " + written + " of " + length + " bytes");
        }
        return 1;
    }

    /**
     * Epoll reported EPOLLERR. Either leave the error to the read, which then runs even with
     * auto-read off, fails with the reason and is handled as {@link #closeOnReadFailure()} says
     * (return true); or clear it here, since level-triggered epoll would otherwise report it
     * forever (return false).
     */
    protected abstract boolean errorReady();

    /** Whether a read that throws closes the channel, after {@code exceptionCaught}. */
    protected abstract boolean closeOnReadFailure();

    /** Why {@code connect} fails: these fds have no peer. */
    protected abstract String whyNoConnect();

    // ---- the common mechanics ----

    @Override
    public boolean isOpen() {
        return fd.isOpen();
    }

    /** Packets flow from the moment the fd is open; there is nothing to connect. */
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
        return new FdUnsafe();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop && ((IoEventLoop) loop).isCompatible(FdUnsafe.class);
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((FdUnsafe) unsafe()).addListener((Future<IoRegistration> f) -> {
            if (f.isSuccess()) {
                registration = f.getNow();
                registration.submit(ops);
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
            // Leave epoll before the fd number can be reused by another open.
            doDeregister();
        } finally {
            releaseSpareReadBuffers();
            fd.close();
        }
    }

    private void releaseSpareReadBuffers() {
        if (readBatch != null) {
            for (int i = 0; i < readBatch.length; i++) {
                if (readBatch[i] != null) {
                    readBatch[i].release();
                    readBatch[i] = null;
                }
            }
        }
    }

    /** There is no peer; disconnect is close (see {@link ChannelMetadata#hasDisconnect()}). */
    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    @Override
    protected SocketAddress localAddress0() {
        return null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return null;
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        if (writeBatch == null) {
            writeBatch = newWriteBatch.apply(maxPacketsPerCall());
        }
        for (int budget = maxMessagesPerWrite(); budget > 0; ) {
            int count = flushed.gather(in, writeBatch, Math.min(budget, writeBatch.length));
            if (count == 0) {
                // Only writes cancelled before their flush can be left: gather skips those.
                FlushedPackets.removeUpTo(in, null);
                interest(ops.without(EpollIoOps.EPOLLOUT));
                return;
            }
            int written;
            writeCalls++;
            try {
                written = writePackets(writeBatch, count);
            } catch (IOException refused) {
                // This packet only (e.g. EINVAL, EMSGSIZE, ENETUNREACH), as a UDP channel does.
                packetsRejected++;
                FlushedPackets.removeUpTo(in, writeBatch[0]);
                in.remove(refused);
                budget--;
                continue;
            }
            if (written == 0) {
                // The kernel's buffer is full; resume when epoll says it drained.
                writeStalls++;
                interest(ops.with(EpollIoOps.EPOLLOUT));
                return;
            }
            for (int i = 0; i < written; i++) {
                FlushedPackets.removeUpTo(in, writeBatch[i]);
                in.remove();
            }
            packetsWritten += written;
            budget -= written;
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

    /** The event loop's view of this channel: the fd to poll and what to do when it is ready. */
    private final class FdUnsafe extends AbstractUnsafe implements EpollIoHandle {
        @Override
        public FileDescriptor fd() {
            return fd;
        }

        @Override
        public void handle(IoRegistration ignored, IoEvent event) {
            EpollIoOps ready = ((EpollIoEvent) event).ops();
            boolean error = ready.contains(EpollIoOps.EPOLLERR) && errorReady();
            if (ready.contains(EpollIoOps.EPOLLOUT) || error && ops.contains(EpollIoOps.EPOLLOUT)) {
                super.flush0();
            }
            if (ready.contains(EpollIoOps.EPOLLIN) || error && isOpen()) {
                readReady(error);
            }
        }

        /** While waiting for EPOLLOUT, flushing again would only meet EAGAIN again; the event flushes. */
        @Override
        protected void flush0() {
            if (!ops.contains(EpollIoOps.EPOLLOUT)) {
                super.flush0();
            }
        }

        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            safeSetFailure(promise, new UnsupportedOperationException(whyNoConnect()));
        }

        /** Called by the event loop when it shuts down with the channel still registered. */
        @Override
        public void close() {
            close(voidPromise());
        }

        private void readReady(boolean error) {
            ChannelConfig config = config();
            if (!isOpen()) {
                return;
            }
            if (!error && !readPending && !config.isAutoRead()) {
                interest(ops.without(EpollIoOps.EPOLLIN));
                return;
            }
            if (readBatch == null) {
                readBatch = new ByteBuf[maxPacketsPerCall()];
            }
            ChannelPipeline pipeline = pipeline();
            ByteBufAllocator allocator = config.getAllocator();
            boolean readAny = false;
            IOException failure = null;
            boolean endOfInput = false;
            long bytesLeft = maxBytesPerRead();
            for (int budget = maxPacketsPerRead(); budget > 0 && bytesLeft > 0; ) {
                // Without auto-read one packet per read(): a batch read ahead could not be put back.
                int room = config.isAutoRead() ? Math.min(Math.min(budget, readBatch.length), readRoom) : 1;
                if (readBatch[0] == null) {
                    readBatch[0] = newReadBuffer(allocator);
                }
                // No more slots than the bytes left to this wakeup can fill.
                room = (int) Math.min(room, Math.max(1, bytesLeft / readBatch[0].capacity()));
                for (int i = 1; i < room; i++) {
                    if (readBatch[i] == null) {
                        readBatch[i] = newReadBuffer(allocator);
                    }
                }
                int count;
                readCalls++;
                try {
                    count = readPackets(readBatch, room);
                } catch (IOException e) {
                    failure = e;
                    break;
                } catch (RuntimeException e) {
                    // Buffers in an unknown state: none is kept.
                    releaseSpareReadBuffers();
                    throw e;
                }
                if (count <= 0) {
                    endOfInput = count < 0;
                    break;
                }
                readRoom = Math.min(readBatch.length, count == room ? room * 2 : Integer.highestOneBit(count) << 1);
                budget -= count;
                packetsRead += count;
                readAny = true;
                for (int i = 0; i < count && readBatch[i] != null; i++) {
                    // Taken out first: a handler that closes the channel releases what is left.
                    ByteBuf packet = readBatch[i];
                    readBatch[i] = null;
                    bytesLeft -= packet.readableBytes();
                    deliver(pipeline, packet, i);
                }
                if (count < room || !isOpen() || !config.isAutoRead() && !readPending) {
                    break;
                }
            }
            if (readAny) {
                pipeline.fireChannelReadComplete();
            }
            if (failure != null) {
                pipeline.fireExceptionCaught(failure);
            }
            if (endOfInput || failure != null && closeOnReadFailure()) {
                close(voidPromise());
                return;
            }
            if (!readPending && !config.isAutoRead()) {
                interest(ops.without(EpollIoOps.EPOLLIN));
            }
        }

        private void deliver(ChannelPipeline pipeline, ByteBuf packet, int slot) {
            if (isTruncated(packet, slot)) {
                packetsTruncated++;
                packet.release();
                return;
            }
            readPending = false;
            firePacket(pipeline, packet, slot);
        }
    }
}
