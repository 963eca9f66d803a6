package espgw.nat;

import espgw.drop.DropRecorder;
import espgw.drop.DropReason;
import espgw.wire.Ipv4AddressRewrite;
import espgw.wire.Ipv4Header;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;

/**
 * Client, inbound (after ESP decapsulation, before the TUN write): a reply from a peer on the
 * real subnet gets the peer's fake address as source, so the kernel's conntrack finds the flow it
 * DNATed to that fake address and un-NATs it for the application. An ICMP error from the peer
 * gets the embedded header's destination translated too, which is what conntrack matches an error
 * against. Other sources pass untouched.
 *
 * <p>Consumes a {@code ByteBuf} holding one IPv4 datagram; emits the same buffer, rewritten in
 * place. Drops ({@link DropReason#MALFORMED}) release the buffer here.
 */
@Sharable
public final class ConntrackSourceRestore extends AddressRewriteHandler {
    private final AddressOffset offset;

    public ConntrackSourceRestore(AddressOffset offset, DropRecorder drops) {
        super(drops);
        this.offset = offset;
    }

    @Override
    DropReason rewrite(ChannelHandlerContext ctx, ByteBuf packet, int ip) {
        int source = Ipv4Header.sourceAddress(packet, ip);
        if (offset.isReal(source)) {
            Ipv4AddressRewrite.rewriteSource(packet, ip, offset.toFake(source));
        }
        return null;
    }
}
