package espgw.daemon;

import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of a pipeline: hands each packet to the channel on the other side (TUN → ESP socket, or
 * the other way) and flushes once per read batch. Both channels live on the same event loop, so
 * the write runs inline. When the target is not writable the packet is released and counted as
 * {@code backpressure} rather than queued without bound; nothing vanishes uncounted.
 */
final class ForwardTo extends ChannelInboundHandlerAdapter {
    private final Channel target;
    private final DropRecorder drops;
    private boolean pending;

    ForwardTo(Channel target, DropRecorder drops) {
        this.target = target;
        this.drops = drops;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!target.isActive() || !target.isWritable()) {
            ReferenceCountUtil.release(msg);
            drops.drop(DropReason.BACKPRESSURE);
            return;
        }
        target.write(msg, target.voidPromise());
        pending = true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (pending) {
            pending = false;
            target.flush();
        }
        ctx.fireChannelReadComplete();
    }
}
