package espgw.daemon;

import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import espgw.wire.OuterIpv4;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Inbound, first: a raw IPv4 socket delivers the whole datagram; this checks the outer header and
 * skips it, so ESP decryption sees the packet from the SPI on. Consumes each buffer and emits it,
 * or releases it and counts {@code malformed}.
 */
@ChannelHandler.Sharable
final class OuterDecapsulation extends ChannelInboundHandlerAdapter {
    private final DropRecorder drops;

    OuterDecapsulation(DropRecorder drops) {
        this.drops = drops;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf packet && !OuterIpv4.isValidEsp(packet)) {
            packet.release();
            drops.drop(DropReason.MALFORMED);
            return;
        }
        if (msg instanceof ByteBuf packet) {
            OuterIpv4.strip(packet);
        }
        ctx.fireChannelRead(msg);
    }
}
