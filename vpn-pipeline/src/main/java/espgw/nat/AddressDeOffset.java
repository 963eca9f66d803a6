package espgw.nat;

import espgw.drop.DropRecorder;
import espgw.drop.DropReason;
import espgw.wire.Ipv4AddressRewrite;
import espgw.wire.Ipv4Header;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;

/**
 * Client, outbound (TUN read, before ESP encapsulation): netfilter DNATed the application's packet
 * to a fake address in the offset network so the route into the TUN caught it; this undoes the
 * offset, restoring the real peer as destination. Other destinations pass untouched.
 *
 * <p>Consumes a {@code ByteBuf} holding one IPv4 datagram; emits the same buffer, rewritten in
 * place. Drops ({@link DropReason#MALFORMED}) release the buffer here.
 */
@Sharable
public final class AddressDeOffset extends AddressRewriteHandler {
    private final AddressOffset offset;

    public AddressDeOffset(AddressOffset offset, DropRecorder drops) {
        super(drops);
        this.offset = offset;
    }

    @Override
    DropReason rewrite(ChannelHandlerContext ctx, ByteBuf packet, int ip) {
        int destination = Ipv4Header.destinationAddress(packet, ip);
        if (offset.isFake(destination)) {
            Ipv4AddressRewrite.rewriteDestination(packet, ip, offset.toReal(destination));
        }
        return null;
    }
}
