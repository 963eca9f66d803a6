package espgw.daemon;

import espgw.wire.OuterIpv4;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Outbound, after ESP: writes the outer IPv4 header (this host → the peer the router chose) into the
 * headroom of the ESP packet, giving the raw socket a whole datagram to send (IP_HDRINCL). Consumes
 * and emits the same buffer. Not sharable: one per pipeline, like its router.
 */
final class OuterEncapsulation extends ChannelInboundHandlerAdapter {
    private final TunnelRouter router;
    private final int localAddress;
    private final OuterIpv4 header = new OuterIpv4(true);

    OuterEncapsulation(TunnelRouter router, int localAddress) {
        this.router = router;
        this.localAddress = localAddress;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf packet) {
            try {
                header.prepend(packet, localAddress, router.current().address());
            } catch (RuntimeException e) {
                packet.release();
                throw e;
            }
        }
        ctx.fireChannelRead(msg);
    }
}
