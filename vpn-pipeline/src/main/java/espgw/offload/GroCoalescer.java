package espgw.offload;

import espgw.linux.tun.VirtioNetHeader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.nio.channels.ClosedChannelException;

/**
 * Outbound on a TUN with offloads, next to the channel, so that every packet written into the TUN
 * passes it (the decrypted traffic, one flush per ESP read batch, and the ICMP errors
 * {@code PathMtuGuard} sends back): holds the packets written until the flush, merges the
 * in-order segments of each TCP flow, and when the TUN takes them the datagrams of each UDP flow,
 * into super-packets ({@link CoalescingBatch}), and frames every packet with the
 * {@link VirtioNetHeader} the TUN expects: a super-packet's says TCPV4 or UDP_L4 with its segment
 * size, any other packet's is zero. The kernel then takes ~45 TCP segments, or up to 128 UDP
 * datagrams, in one TUN write and passes them up its stack as one packet as far as it can.
 *
 * <p>Buffer ownership: takes every {@code ByteBuf} written; at the flush writes on, in the order
 * each group's first packet came, either the same buffer with the header in its headroom, or a
 * new pooled direct buffer holding the super-packet (the segments are released). Only packets
 * written with a void promise are merged; a packet with a real promise goes alone and its write
 * completes that promise. Packets still held at close or removal are released, their promises
 * failed. Other messages pass at once.
 *
 * <p>Not sharable: the batch belongs to one channel's event loop.
 */
public final class GroCoalescer extends ChannelOutboundHandlerAdapter {
    private final CoalescingBatch batch;

    /** Merges TCP segments only: for a TUN that does not take UDP super-packets. */
    public GroCoalescer() {
        this(false);
    }

    /** With {@code udp}, merges UDP datagrams too (see {@code TunDevice.acceptsUdpSuperPackets()}). */
    public GroCoalescer(boolean udp) {
        batch = new CoalescingBatch(udp);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf packet)) {
            ctx.write(msg, promise);
            return;
        }
        if (batch.isFull()) {
            emit(ctx);
        }
        batch.add(packet, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        emit(ctx);
        ctx.flush();
    }

    private void emit(ChannelHandlerContext ctx) {
        try {
            for (int group = 0; group < batch.groupCount(); group++) {
                ChannelPromise promise = batch.promise(group);
                ctx.write(batch.take(group, ctx.alloc()), promise);
            }
        } catch (RuntimeException e) {
            batch.discard(e);
            throw e;
        }
        batch.reset();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        batch.discard(new ClosedChannelException());
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        batch.discard(new ClosedChannelException());
    }
}
