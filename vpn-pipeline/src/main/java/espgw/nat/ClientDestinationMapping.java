package espgw.nat;

import espgw.drop.DropRecorder;
import espgw.drop.DropReason;
import espgw.wire.Ipv4AddressRewrite;
import espgw.wire.Ipv4Header;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Server, outbound (TUN read, before ESP encapsulation): the reverse of
 * {@link ClientSourceMapping}. A reply addressed to a client's fake address gets the client's real
 * inner address back as destination (and, in an ICMP error, as the embedded source), and is tagged
 * with the client so the ESP encryption picks that client's SA. A destination outside the pool
 * passes untouched, tagged {@code null}.
 *
 * <p>Consumes a {@code ByteBuf} holding one IPv4 datagram; emits the same buffer, rewritten in
 * place, right after {@link OutboundClientTag#tag}. Drops release the buffer here:
 * {@link DropReason#MALFORMED}, and {@link DropReason#NO_ROUTE} for a fake address no
 * client holds.
 */
public final class ClientDestinationMapping extends AddressRewriteHandler {
    private final ClientAddressPool pool;
    private final OutboundClientTag tag;

    public ClientDestinationMapping(ClientAddressPool pool, OutboundClientTag tag,
            DropRecorder drops) {
        super(drops);
        this.pool = pool;
        this.tag = tag;
    }

    @Override
    DropReason rewrite(ChannelHandlerContext ctx, ByteBuf packet, int ip) {
        int destination = Ipv4Header.destinationAddress(packet, ip);
        if (!pool.contains(destination)) {
            tag.tag(null);
            return null;
        }
        ClientAddressPool.Binding binding = pool.bindingOfFake(destination);
        if (binding == null) {
            return DropReason.NO_ROUTE;
        }
        Ipv4AddressRewrite.rewriteDestination(packet, ip, binding.realAddress());
        tag.tag(binding.client());
        return null;
    }
}
