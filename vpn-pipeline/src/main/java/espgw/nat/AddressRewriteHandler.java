package espgw.nat;

import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import espgw.wire.Ipv4AddressRewrite;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * A translation handler: every packet must hold what an address rewrite touches (a whole IPv4
 * header, the first fragment's checksum field, an ICMP error's embedded header), else it is
 * dropped as {@code malformed} before any mapping is consulted.
 */
abstract class AddressRewriteHandler extends InPlacePacketHandler {
    AddressRewriteHandler(DropRecorder drops) {
        super(drops);
    }

    /**
     * Rewrites the packet whose IPv4 header starts at {@code ip}, if it needs it.
     *
     * @return {@code null} to pass the packet on, or why it must be dropped
     */
    abstract DropReason rewrite(ChannelHandlerContext ctx, ByteBuf packet, int ip);

    @Override
    final DropReason process(ChannelHandlerContext ctx, ByteBuf packet) {
        int ip = packet.readerIndex();
        if (!Ipv4AddressRewrite.isRewritable(packet, ip, packet.readableBytes())) {
            return DropReason.MALFORMED;
        }
        return rewrite(ctx, packet, ip);
    }
}
