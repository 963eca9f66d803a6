package espgw.daemon;

import espgw.esp.InboundContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Counts each packet against its peer's traffic, passing it on untouched: outbound the peer the
 * router chose (ESP packet bytes from the SPI on,
 * whatever carries them), inbound the peer whose SA decrypted it (inner packet bytes).
 * A counter increment per packet, nothing allocated.
 */
abstract class PeerTrafficCounter extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf packet) {
            count(packet.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    abstract void count(int bytes);

    static PeerTrafficCounter outbound(TunnelRouter router) {
        return new PeerTrafficCounter() {
            @Override
            void count(int bytes) {
                router.current().traffic().packetOut(bytes);
            }
        };
    }

    static PeerTrafficCounter inbound(InboundContext context, PeerDirectory peers) {
        return new PeerTrafficCounter() {
            @Override
            void count(int bytes) {
                Peer peer = peers.ofInbound(context.currentSa());
                if (peer != null) {
                    peer.traffic().packetIn(bytes);
                }
            }
        };
    }
}
