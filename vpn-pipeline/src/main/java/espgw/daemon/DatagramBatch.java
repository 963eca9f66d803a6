package espgw.daemon;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.net.InetSocketAddress;

/**
 * The datagrams of one read batch to one UDP peer, gathered for UDP GSO (UDP_SEGMENT): a run of
 * equal-size datagrams, where the last may be shorter, goes to the kernel as one buffer and one
 * segment size, and the kernel (or the NIC) cuts it into datagrams. A lone datagram goes out as it
 * is, without a copy; from the second one on, the run is copied into one pooled direct buffer.
 *
 * <p>Ownership: {@link #add} takes the packet (released once copied) or refuses it and leaves it to
 * the caller; {@link #take} hands the gathered datagram to the caller and empties the batch. The
 * recipient is named at {@link #take}, so a peer whose NAT mapping moved gets the batch at its new port.
 * Confined to one event loop.
 */
final class DatagramBatch {
    /** The kernel's UDP_MAX_SEGMENTS (64 since Linux 4.18; newer kernels allow more). */
    static final int MAX_SEGMENTS = 64;

    private boolean segmentation;
    private final int maxBytes;
    private ByteBuf single;
    private ByteBuf segments;
    private int segmentSize;
    private int count;
    private boolean closed;

    /**
     * @param segmentation false gathers nothing: each datagram is its own batch
     * @param maxBytes     largest gathered buffer (the UDP payload limit)
     */
    DatagramBatch(boolean segmentation, int maxBytes) {
        this.segmentation = segmentation;
        this.maxBytes = maxBytes;
    }

    /** From the next datagram on, each is a batch of its own (the kernel refused GSO). */
    void disableSegmentation() {
        segmentation = false;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Datagrams gathered so far. */
    int count() {
        return count;
    }

    /**
     * Adds {@code packet} (readable bytes = one datagram) and takes ownership of it, or returns
     * false and leaves it untouched: when it is longer than the run's segments, after a shorter
     * last segment, or when the run is full.
     */
    boolean add(ByteBufAllocator alloc, ByteBuf packet) {
        int length = packet.readableBytes();
        if (count == 0) {
            single = packet;
            segmentSize = length;
            count = 1;
            return true;
        }
        if (!segmentation || closed || length > segmentSize || count == MAX_SEGMENTS
                || (long) segmentSize * count + length > maxBytes) {
            return false;
        }
        if (segments == null) {
            segments = alloc.directBuffer(Math.min(maxBytes, segmentSize * MAX_SEGMENTS));
            segments.writeBytes(single, single.readerIndex(), segmentSize);
            single.release();
            single = null;
        }
        segments.writeBytes(packet, packet.readerIndex(), length);
        packet.release();
        count++;
        closed = length < segmentSize;
        return true;
    }

    /** The gathered datagram(s) as one message to {@code recipient}, or null when empty; empties the batch. */
    DatagramPacket take(InetSocketAddress recipient) {
        DatagramPacket packet;
        if (count == 0) {
            return null;
        } else if (segments == null) {
            packet = new DatagramPacket(single, recipient);
        } else {
            packet = new SegmentedDatagramPacket(segments, segmentSize, recipient);
        }
        single = null;
        segments = null;
        count = 0;
        closed = false;
        return packet;
    }

    /** Releases whatever is gathered (the channel is gone). */
    void discard() {
        if (single != null) {
            single.release();
        }
        if (segments != null) {
            segments.release();
        }
        single = null;
        segments = null;
        count = 0;
        closed = false;
    }
}
