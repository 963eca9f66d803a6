package espgw.linux.tun;

import espgw.linux.epoll.PacketFdChannel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * One TUN queue as a Netty channel on an epoll {@link IoEventLoop}: every read is one IP packet
 * in its own pooled direct buffer, every written {@link ByteBuf} is one packet. Registration, the
 * read and write loops and the counters are {@link PacketFdChannel}'s.
 *
 * <p>Reads: on EPOLLIN the fd is drained until EAGAIN, {@link TunChannelOption#MAX_PACKETS_PER_READ}
 * packets or {@link TunChannelOption#MAX_BYTES_PER_READ} bytes, straight into buffers from the
 * channel's allocator with {@link FileDescriptor#readAddress}; each packet starts at readerIndex = headroom
 * ({@link TunChannelOption#HEADROOM}). Packets larger than {@link TunChannelOption#MAX_PACKET_SIZE}
 * are read truncated, released and counted ({@link #packetsTruncated()}). With
 * {@link TunChannelOption#VNET_HEADER} each read and written buffer starts with a
 * {@link VirtioNetHeader}; the channel leaves it to the pipeline.
 *
 * <p>Writes: each flushed buffer goes to {@link FileDescriptor#writeAddress}; a TUN write is all or
 * nothing. On EAGAIN the channel waits for EPOLLOUT ({@link #writeStalls()}). A packet the kernel
 * refuses (e.g. EINVAL for a malformed packet) fails its promise and is counted
 * ({@link #packetsRejected()}); packets still queued at close fail with the close.
 *
 * <p>EPOLLERR: a TUN fd reports it once its interface is gone; the read then fails with the reason
 * and closes the channel, instead of epoll reporting the error forever.
 */
public final class TunChannel extends PacketFdChannel<ByteBuf> {
    static {
        // FileDescriptor's read/write are JNI methods registered by Netty's epoll native library.
        Epoll.ensureAvailability();
    }

    private final TunChannelConfig config;
    /** The layout of the buffer being read into: set by {@link #newReadBuffer}, event-loop confined. */
    private int readHeadroom;
    /** The header (if any) and the largest packet. */
    private int readMaxSize;

    /** Takes ownership of {@code queue} (a non-blocking TUN queue fd): closing the channel closes it. */
    public TunChannel(FileDescriptor queue) {
        super(queue, ByteBuf[]::new);
        this.config = new TunChannelConfig(this);
    }

    @Override
    public TunChannelConfig config() {
        return config;
    }

    @Override
    protected int maxPacketsPerRead() {
        return config.getMaxPacketsPerRead();
    }

    @Override
    protected int maxBytesPerRead() {
        return config.getMaxBytesPerRead();
    }

    /**
     * The kernel cuts a packet to the room offered and says nothing, so the buffer offers one byte
     * more than the largest packet: a read that fills it was cut. That byte is tailroom anyway.
     * The layout is taken here once per buffer, so that an option changed meanwhile on another
     * thread cannot make {@link #readPackets} write past the buffer.
     */
    @Override
    protected ByteBuf newReadBuffer(ByteBufAllocator allocator) {
        readHeadroom = config.getHeadroom();
        readMaxSize = config.maxReadSize();
        int capacity = readHeadroom + readMaxSize + Math.max(1, config.getTailroom());
        return allocator.directBuffer(capacity, capacity);
    }

    /** One packet per read(2): a TUN queue has no batch read. */
    @Override
    protected int readPackets(ByteBuf[] buffers, int count) throws IOException {
        ByteBuf buffer = buffers[0];
        int length = fd().readAddress(buffer.memoryAddress(), readHeadroom, readHeadroom + readMaxSize + 1);
        if (length > 0) {
            buffer.setIndex(readHeadroom, readHeadroom + length);
        }
        return Integer.signum(length);
    }

    @Override
    protected boolean isTruncated(ByteBuf packet, int slot) {
        return packet.readableBytes() > readMaxSize;
    }

    /** One packet per write(2). */
    @Override
    protected int writePackets(ByteBuf[] packets, int count) throws IOException {
        ByteBuf packet = packets[0];
        return wholePacket(fd().writeAddress(packet.memoryAddress(), packet.readerIndex(), packet.writerIndex()),
                packet.readableBytes());
    }

    /** The read reports why the interface is gone, and closes the channel. */
    @Override
    protected boolean errorReady() {
        return true;
    }

    @Override
    protected boolean closeOnReadFailure() {
        return true;
    }

    @Override
    protected String whyNoConnect() {
        return "a TUN queue has no peer to connect to";
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a TUN queue has no address to bind");
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
}
