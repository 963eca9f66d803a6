package espgw.linux.tun;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends every UDP/IPv4 packet back to its sender (addresses and ports swapped, in place), flushing once
 * per read batch. When the channel is not writable the packet is dropped and counted instead, as
 * a real data path would. Anything else is released and counted too: every packet read ends in
 * exactly one counter.
 */
final class UdpEcho extends ChannelInboundHandlerAdapter {
    final AtomicLong udpRead = new AtomicLong();
    final AtomicLong echoed = new AtomicLong();
    final AtomicLong droppedUnwritable = new AtomicLong();
    final AtomicLong otherReleased = new AtomicLong();
    final AtomicLong writabilityChanges = new AtomicLong();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf packet = (ByteBuf) msg;
        if (!TestPackets.isIpv4(packet, TestPackets.IPPROTO_UDP)) {
            if (packet.release()) {
                otherReleased.incrementAndGet();
            }
            return;
        }
        udpRead.incrementAndGet();
        if (!ctx.channel().isWritable()) {
            if (packet.release()) {
                droppedUnwritable.incrementAndGet();
            }
            return;
        }
        TestPackets.reverseUdp(packet);
        echoed.incrementAndGet();
        ctx.write(packet, ctx.voidPromise());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        writabilityChanges.incrementAndGet();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }
}
