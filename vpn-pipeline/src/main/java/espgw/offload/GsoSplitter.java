package espgw.offload;

import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import espgw.linux.tun.VirtioNetHeader;
import espgw.wire.InternetChecksum;
import espgw.wire.Ipv4Header;
import espgw.wire.TcpHeader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Outbound, first after the read of a TUN with offloads: turns each frame (a
 * {@link VirtioNetHeader} and the packet behind it) into ordinary IPv4 packets, so that every later
 * handler (address translation, {@code PathMtuGuard}, ESP) sees exactly what a TUN without
 * offloads would have given it:
 * <ul>
 *   <li>{@code VIRTIO_NET_HDR_GSO_TCPV4}: the super-packet is cut into its TCP segments
 *       ({@link TcpSegmentation}), every checksum computed;</li>
 *   <li>{@code VIRTIO_NET_HDR_GSO_NONE}: the packet as it is, its checksum completed first if the
 *       header says {@code VIRTIO_NET_HDR_F_NEEDS_CSUM};</li>
 *   <li>any other GSO type (the TUN never offered one) is dropped as
 *       {@link DropReason#UNSUPPORTED_OFFLOAD}, a frame that is no well-formed IPv4 packet or whose
 *       header points outside it as {@link DropReason#MALFORMED}.</li>
 * </ul>
 *
 * <p>Buffer ownership: consumes and releases every frame. Emits each packet in a new pooled direct
 * buffer of its own size with {@code headroom} bytes in front and {@code tailroom} behind, so ESP
 * encrypts in place and a queued packet never pins a 64 KiB read buffer. Other messages pass.
 */
@Sharable
public final class GsoSplitter extends ChannelInboundHandlerAdapter {
    private final int headroom;
    private final int tailroom;
    private final DropRecorder drops;

    public GsoSplitter(int headroom, int tailroom, DropRecorder drops) {
        this.headroom = headroom;
        this.tailroom = tailroom;
        this.drops = drops;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            DropReason reason = split(ctx, frame);
            if (reason != null) {
                drops.drop(reason);
            }
        } finally {
            frame.release();
        }
    }

    private DropReason split(ChannelHandlerContext ctx, ByteBuf frame) {
        int header = frame.readerIndex();
        int ip = header + VirtioNetHeader.LENGTH;
        if (ip > frame.writerIndex() || !Ipv4Header.isWellFormed(frame, ip, frame.writerIndex() - ip)) {
            return DropReason.MALFORMED;
        }
        return switch (VirtioNetHeader.gsoType(frame, header)) {
            case VirtioNetHeader.VIRTIO_NET_HDR_GSO_NONE -> whole(ctx, frame, header, ip);
            case VirtioNetHeader.VIRTIO_NET_HDR_GSO_TCPV4 -> segments(ctx, frame, header, ip);
            default -> DropReason.UNSUPPORTED_OFFLOAD;
        };
    }

    private DropReason whole(ChannelHandlerContext ctx, ByteBuf frame, int header, int ip) {
        int length = Ipv4Header.totalLength(frame, ip);
        if (VirtioNetHeader.needsChecksum(frame, header)) {
            int start = VirtioNetHeader.csumStart(frame, header);
            int field = start + VirtioNetHeader.csumOffset(frame, header);
            if (start < Ipv4Header.headerLength(frame, ip) || field + 2 > length) {
                return DropReason.MALFORMED;
            }
            InternetChecksum.complete(frame, ip + start, ip + length, ip + field);
        }
        ByteBuf packet = newPacket(ctx, length);
        packet.writeBytes(frame, ip, length);
        ctx.fireChannelRead(packet);
        return null;
    }

    /**
     * The header lengths come from the packet, not from hdr_len: the kernel may set that to the
     * whole packet's length (e.g. for forwarded traffic).
     */
    private DropReason segments(ChannelHandlerContext ctx, ByteBuf frame, int header, int ip) {
        int length = Ipv4Header.totalLength(frame, ip);
        int tcp = ip + Ipv4Header.headerLength(frame, ip);
        if (Ipv4Header.protocol(frame, ip) != Ipv4Header.PROTOCOL_TCP || Ipv4Header.moreFragments(frame, ip)
                || !Ipv4Header.carriesTransportHeader(frame, ip) || tcp + TcpHeader.MIN_HEADER_LENGTH > ip + length) {
            return DropReason.MALFORMED;
        }
        int headerLength = tcp - ip + TcpHeader.headerLength(frame, tcp);
        int gsoSize = VirtioNetHeader.gsoSize(frame, header);
        if (headerLength - (tcp - ip) < TcpHeader.MIN_HEADER_LENGTH || headerLength > length || gsoSize == 0) {
            return DropReason.MALFORMED;
        }
        int payloadLength = length - headerLength;
        int count = TcpSegmentation.segmentCount(payloadLength, gsoSize);
        for (int i = 0; i < count; i++) {
            int segmentLength = headerLength + Math.min(gsoSize, payloadLength - i * gsoSize);
            ByteBuf segment = newPacket(ctx, segmentLength);
            TcpSegmentation.writeSegment(frame, ip, headerLength, gsoSize, i, count, segment);
            ctx.fireChannelRead(segment);
        }
        return null;
    }

    /** An empty buffer for a packet of {@code length} bytes, readerIndex = writerIndex = headroom. */
    private ByteBuf newPacket(ChannelHandlerContext ctx, int length) {
        int capacity = headroom + length + tailroom;
        ByteBuf packet = ctx.alloc().directBuffer(capacity, capacity);
        packet.setIndex(headroom, headroom);
        return packet;
    }
}
