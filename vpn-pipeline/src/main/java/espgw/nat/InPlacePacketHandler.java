package espgw.nat;

import espgw.drop.DropRecorder;
import espgw.drop.DropReason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The buffer ownership shared by the translation handlers: consumes each {@link ByteBuf} read
 * (an IPv4 datagram between reader and writer index), lets {@link #process} inspect and change
 * it in place, then either passes the same buffer on with {@code fireChannelRead} or, when
 * {@code process} names a drop reason, releases it and counts the drop. If {@code process} throws
 * (a bug, never a bad packet), the buffer is released before the exception propagates. Other
 * messages pass through untouched.
 */
abstract class InPlacePacketHandler extends ChannelInboundHandlerAdapter {
    private final DropRecorder drops;

    InPlacePacketHandler(DropRecorder drops) {
        this.drops = drops;
    }

    /**
     * Inspects the packet and rewrites it in place if needed.
     *
     * @return {@code null} to pass the packet on, or why it must be dropped
     */
    abstract DropReason process(ChannelHandlerContext ctx, ByteBuf packet);

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf packet = (ByteBuf) msg;
        DropReason reason;
        try {
            reason = process(ctx, packet);
        } catch (RuntimeException e) {
            packet.release();
            throw e;
        }
        if (reason == null) {
            ctx.fireChannelRead(packet);
        } else {
            packet.release();
            drops.drop(reason);
        }
    }
}
