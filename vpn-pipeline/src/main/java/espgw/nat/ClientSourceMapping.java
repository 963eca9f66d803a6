package espgw.nat;

import espgw.drop.DropRecorder;
import espgw.drop.DropReason;
import espgw.wire.Ipv4AddressRewrite;
import espgw.wire.Ipv4Header;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Server, inbound (after ESP decapsulation, before the TUN write): rewrites a client's inner
 * source to the client's fake address from the {@link ClientAddressPool}, so the local service's
 * replies route back into the TUN and can be told apart per client. A mapping is made when a
 * (client, inner source) pair is first seen, so one client gateway may carry many inner
 * addresses; an ICMP error from the client gets the embedded destination translated too.
 *
 * <p>Consumes a {@code ByteBuf} holding one IPv4 datagram; emits the same buffer, rewritten in
 * place. Drops release the buffer here: {@link DropReason#MALFORMED},
 * and {@link DropReason#POOL_EXHAUSTED}.
 */
public final class ClientSourceMapping extends AddressRewriteHandler {
    private final ClientAddressPool pool;
    private final ClientKeyResolver clients;

    public ClientSourceMapping(ClientAddressPool pool, ClientKeyResolver clients,
            DropRecorder drops) {
        super(drops);
        this.pool = pool;
        this.clients = clients;
    }

    @Override
    DropReason rewrite(ChannelHandlerContext ctx, ByteBuf packet, int ip) {
        Object client = clients.clientOf(ctx);
        if (client == null) {
            throw new IllegalStateException("a packet reached " + getClass().getSimpleName()
                    + " without a client; it belongs behind the ESP decryption");
        }
        int source = Ipv4Header.sourceAddress(packet, ip);
        ClientAddressPool.Binding binding = pool.bindingOf(client, source);
        if (binding == null) {
            binding = pool.bind(client, source);
            if (binding == null) {
                return DropReason.POOL_EXHAUSTED;
            }
        }
        Ipv4AddressRewrite.rewriteSource(packet, ip, binding.fakeAddress());
        return null;
    }
}
