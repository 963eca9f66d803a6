package espgw.offload;

import espgw.linux.tun.VirtioNetHeader;
import espgw.wire.Ipv4Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelPromise;
import java.util.Arrays;

/**
 * The packets written between two flushes, held in arrival order as groups: a group is one packet,
 * or consecutive packets of one TCP flow ({@link TcpCoalescing}), or of one UDP flow when the TUN
 * takes UDP super-packets ({@link UdpCoalescing}), merged into a super-packet of at most 65535
 * bytes. Only packets written with a void promise merge: nobody waits for them. Only a flow's last
 * group takes more packets, and groups leave in the order they were started, so no flow's packets
 * change order. Each packet's checksums are verified before it is merged (the head's once a second
 * packet joins). The arrays are allocated once; nothing is allocated per packet but the
 * super-packet's buffer.
 *
 * <p>Ownership: {@link #add} takes the packet and its promise; {@link #take} hands out each group's
 * buffer once, {@link #promise} the promise its write completes; {@link #discard} releases whatever
 * was not taken and fails its promise. Confined to one event loop.
 */
final class CoalescingBatch {
    /** Packets held at most before the batch must be emitted. */
    static final int CAPACITY = 128;
    private static final int NONE = -1;

    private final boolean udp;
    private final ByteBuf[] packets = new ByteBuf[CAPACITY];
    private final ChannelPromise[] promises = new ChannelPromise[CAPACITY];
    /** Per packet: the next packet of its group, or NONE. */
    private final int[] nextInGroup = new int[CAPACITY];
    private int packetCount;

    // Per group, in the order groups were started.
    private final int[] first = new int[CAPACITY];
    private final int[] last = new int[CAPACITY];
    private final int[] segments = new int[CAPACITY];
    /** The first packet's headers plus every segment's payload: the super-packet's IPv4 total length. */
    private final int[] length = new int[CAPACITY];
    /** The rules of the first packet's protocol, or null when the group belongs to no flow. */
    private final Coalescing[] rules = new Coalescing[CAPACITY];
    /** Another segment may still be appended. */
    private final boolean[] open = new boolean[CAPACITY];
    private int groupCount;

    /** With {@code udp}, UDP datagrams merge too: only for a TUN that takes UDP super-packets. */
    CoalescingBatch(boolean udp) {
        this.udp = udp;
    }

    boolean isFull() {
        return packetCount == CAPACITY;
    }

    int groupCount() {
        return groupCount;
    }

    /** Takes {@code packet} (an IPv4 datagram between reader and writer index) into the batch. */
    void add(ByteBuf packet, ChannelPromise promise) {
        int index = packetCount++;
        packets[index] = packet;
        promises[index] = promise;
        nextInGroup[index] = NONE;
        Coalescing protocol = Coalescing.of(packet, udp);
        if (protocol == null) {
            startGroup(index, null, false);
            return;
        }
        boolean candidate = promise.isVoid() && protocol.isCandidate(packet);
        int group = lastGroupOfFlow(protocol, packet);
        if (candidate && group != NONE && open[group] && follows(group, packet)) {
            if (protocol.checksumsValid(packet)) {
                append(group, index);
                return;
            }
            candidate = false; // damaged: it goes alone, and the kernel drops it
        }
        startGroup(index, protocol, candidate);
    }

    private int lastGroupOfFlow(Coalescing protocol, ByteBuf packet) {
        for (int group = groupCount - 1; group >= 0; group--) {
            if (rules[group] == protocol && protocol.sameFlow(packets[first[group]], packet)) {
                return group;
            }
        }
        return NONE;
    }

    /** Whether the candidate may follow the group's last segment; checks the first segment's checksums once. */
    private boolean follows(int group, ByteBuf packet) {
        ByteBuf head = packets[first[group]];
        Coalescing protocol = rules[group];
        if (length[group] + protocol.payloadLength(packet) > Ipv4Header.MAX_TOTAL_LENGTH
                || !protocol.canFollow(head, packets[last[group]], packet)) {
            return false;
        }
        if (segments[group] == 1 && !protocol.checksumsValid(head)) {
            open[group] = false;
            return false;
        }
        return true;
    }

    private void append(int group, int index) {
        ByteBuf packet = packets[index];
        Coalescing protocol = rules[group];
        int payload = protocol.payloadLength(packet);
        nextInGroup[last[group]] = index;
        last[group] = index;
        segments[group]++;
        length[group] += payload;
        // A shorter packet ends the super-packet (every one but the last is gso_size long), as PSH does.
        open[group] = payload == protocol.payloadLength(packets[first[group]]) && !protocol.ends(packet);
    }

    private void startGroup(int index, Coalescing protocol, boolean candidate) {
        ByteBuf packet = packets[index];
        int group = groupCount++;
        first[group] = index;
        last[group] = index;
        segments[group] = 1;
        length[group] = packet.readableBytes();
        rules[group] = protocol;
        open[group] = candidate && !protocol.ends(packet);
    }

    /** The promise of the group's write: a single packet's own, or a void one for merged segments. */
    ChannelPromise promise(int group) {
        return promises[first[group]];
    }

    /**
     * Hands out group {@code group} (once) as a TUN frame: a single packet with a zero
     * {@link VirtioNetHeader} written into its headroom, or a new super-packet with the segments'
     * payloads copied in (the segments are released).
     */
    ByteBuf take(int group, ByteBufAllocator alloc) {
        int index = first[group];
        ByteBuf head = packets[index];
        if (segments[group] == 1) {
            packets[index] = null;
            return framed(head, alloc);
        }
        Coalescing protocol = rules[group];
        int headers = protocol.headerLength(head);
        int gsoSize = protocol.payloadLength(head);
        ByteBuf superPacket = alloc.directBuffer(VirtioNetHeader.LENGTH + length[group]);
        superPacket.setIndex(VirtioNetHeader.LENGTH, VirtioNetHeader.LENGTH);
        superPacket.writeBytes(head, head.readerIndex(), headers);
        boolean ended = false;
        for (int i = index; i != NONE; i = nextInGroup[i]) {
            ByteBuf segment = packets[i];
            superPacket.writeBytes(segment, segment.readerIndex() + headers, segment.readableBytes() - headers);
            ended = protocol.ends(segment);
            packets[i] = null;
            segment.release();
        }
        protocol.finishSuperPacket(superPacket, gsoSize, ended);
        return superPacket;
    }

    /** The packet behind a zero header, in its own headroom when it has some (the outer headers were there). */
    private static ByteBuf framed(ByteBuf packet, ByteBufAllocator alloc) {
        int header = packet.readerIndex() - VirtioNetHeader.LENGTH;
        if (header >= 0 && !packet.isReadOnly()) {
            VirtioNetHeader.setNone(packet, header);
            return packet.readerIndex(header);
        }
        ByteBuf frame = alloc.directBuffer(VirtioNetHeader.LENGTH + packet.readableBytes());
        frame.writeZero(VirtioNetHeader.LENGTH).writeBytes(packet, packet.readerIndex(), packet.readableBytes());
        packet.release();
        return frame;
    }

    /** Empties the batch once every group was taken. */
    void reset() {
        Arrays.fill(promises, 0, packetCount, null);
        Arrays.fill(rules, 0, groupCount, null);
        packetCount = 0;
        groupCount = 0;
    }

    /** Releases every packet not taken, failing its promise with {@code cause}, and empties the batch. */
    void discard(Throwable cause) {
        for (int i = 0; i < packetCount; i++) {
            if (packets[i] != null) {
                packets[i].release();
                packets[i] = null;
                if (!promises[i].isVoid()) {
                    promises[i].tryFailure(cause); // a void one would fire exceptionCaught instead
                }
            }
        }
        reset();
    }
}
