package espgw.nat;

import espgw.drop.DropRecorder;
import espgw.drop.DropReason;
import espgw.wire.IcmpHeader;
import espgw.wire.InternetChecksum;
import espgw.wire.Ipv4Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;

/**
 * Outbound, on the TUN side before encapsulation: a datagram longer than the tunnel MTU with DF
 * set cannot cross the tunnel, so instead of vanishing it is answered, like a router would
 * (RFC 1191 §4), with an ICMP Destination Unreachable "fragmentation needed and DF set" carrying
 * the tunnel MTU as Next-Hop MTU and the datagram's IP header plus first 8 data bytes (RFC 792).
 * The ICMP message is written back toward the sender with {@code ctx.writeAndFlush}, i.e. into
 * the TUN. Datagrams without DF pass (the outer packet gets fragmented), as do fragments.
 *
 * <p>Consumes a {@code ByteBuf} holding one IPv4 datagram; emits the same buffer untouched, or
 * releases it and counts {@link DropReason#MTU} (or {@link DropReason#MALFORMED}). The ICMP
 * message is a new buffer from the channel's allocator, allocated only on this rare path; the
 * write owns it. No ICMP goes out about an ICMP error, a non-first fragment or a source that is
 * not one unicast host (RFC 1122 §3.2.2).
 *
 * <p>Not sharable: the Identification counter of the ICMP messages belongs to one channel.
 */
public final class PathMtuGuard extends InPlacePacketHandler {
    private static final int ICMP_TIME_TO_LIVE = 64;
    private static final int FIRST_MULTICAST_OCTET = 224;
    private static final int LOOPBACK_OCTET = 127;

    private final int tunnelMtu;
    private final int icmpSourceAddress;
    private int identification;

    /**
     * @param tunnelMtu the largest inner datagram that fits into one outer packet after ESP
     *     overhead
     * @param icmpSourceAddress source of the ICMP messages: an address of this gateway the sender
     *     can see, typically the TUN interface's
     */
    public PathMtuGuard(int tunnelMtu, int icmpSourceAddress, DropRecorder drops) {
        super(drops);
        if (tunnelMtu < Ipv4Header.MIN_MTU || tunnelMtu > Ipv4Header.MAX_TOTAL_LENGTH) {
            throw new IllegalArgumentException("tunnel MTU " + tunnelMtu + " is outside "
                    + Ipv4Header.MIN_MTU + ".." + Ipv4Header.MAX_TOTAL_LENGTH);
        }
        this.tunnelMtu = tunnelMtu;
        this.icmpSourceAddress = icmpSourceAddress;
    }

    @Override
    DropReason process(ChannelHandlerContext ctx, ByteBuf packet) {
        int ip = packet.readerIndex();
        if (!Ipv4Header.isWellFormed(packet, ip, packet.readableBytes())) {
            return DropReason.MALFORMED;
        }
        if (Ipv4Header.totalLength(packet, ip) <= tunnelMtu
                || !Ipv4Header.dontFragment(packet, ip)) {
            return null;
        }
        if (mayAnswerWithError(packet, ip)) {
            // A void promise: no future per message; a failed write surfaces as exceptionCaught.
            ctx.writeAndFlush(fragmentationNeeded(ctx.alloc(), packet, ip), ctx.voidPromise());
        }
        return DropReason.MTU;
    }

    /** RFC 1122 §3.2.2: no error about an error, a later fragment, or a non-unicast source. */
    private static boolean mayAnswerWithError(ByteBuf packet, int ip) {
        if (!Ipv4Header.carriesTransportHeader(packet, ip)) {
            return false;
        }
        int sourceOctet = Ipv4Header.sourceAddress(packet, ip) >>> 24;
        if (sourceOctet == 0 || sourceOctet == LOOPBACK_OCTET
                || sourceOctet >= FIRST_MULTICAST_OCTET) {
            return false;
        }
        if (Ipv4Header.protocol(packet, ip) != Ipv4Header.PROTOCOL_ICMP) {
            return true;
        }
        int icmp = ip + Ipv4Header.headerLength(packet, ip);
        int end = ip + Ipv4Header.totalLength(packet, ip);
        return icmp < end && !IcmpHeader.isError(IcmpHeader.type(packet, icmp));
    }

    private ByteBuf fragmentationNeeded(ByteBufAllocator alloc, ByteBuf packet, int ip) {
        int quoted = Math.min(Ipv4Header.headerLength(packet, ip) + IcmpHeader.ORIGINAL_DATA_LENGTH,
                Ipv4Header.totalLength(packet, ip));
        int icmpLength = IcmpHeader.HEADER_LENGTH + quoted;
        int totalLength = Ipv4Header.MIN_HEADER_LENGTH + icmpLength;
        ByteBuf message = alloc.directBuffer(totalLength);
        message.writeByte(Ipv4Header.VERSION << 4 | Ipv4Header.MIN_IHL);
        message.writeByte(0);
        message.writeShort(totalLength);
        message.writeShort(identification++);
        message.writeShort(0);
        message.writeByte(ICMP_TIME_TO_LIVE);
        message.writeByte(Ipv4Header.PROTOCOL_ICMP);
        message.writeShort(0);
        message.writeInt(icmpSourceAddress);
        message.writeInt(Ipv4Header.sourceAddress(packet, ip));
        Ipv4Header.fillHeaderChecksum(message, 0);

        int icmp = message.writerIndex();
        message.writeByte(IcmpHeader.TYPE_DESTINATION_UNREACHABLE);
        message.writeByte(IcmpHeader.CODE_FRAGMENTATION_NEEDED);
        message.writeShort(0);
        message.writeShort(0);
        message.writeShort(tunnelMtu);
        message.writeBytes(packet, ip, quoted);
        IcmpHeader.setChecksum(message, icmp, InternetChecksum.compute(message, icmp, icmpLength));
        return message;
    }
}
