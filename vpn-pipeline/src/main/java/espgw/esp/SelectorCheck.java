package espgw.esp;

import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import espgw.sa.SaSelectors;
import espgw.sa.SecurityAssociation;
import espgw.wire.Ipv4Header;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Inbound, right behind {@link EspInbound} (RFC 4301 §5.2): the decrypted inner packet's
 * source and destination must lie within the selectors of the SA it arrived on
 * ({@link SaSelectors}); an authenticated peer may send only what its SA was set up for, never
 * traffic forged from another peer's or a local address.
 *
 * <p>Buffer ownership: consumes each {@code ByteBuf} (an inner IPv4 packet, its header there, as
 * {@link EspInbound} checked); passes it on, or releases it and counts {@link DropReason#TS_MISMATCH}.
 * Other messages pass through untouched. Two address reads and a few compares per packet.
 *
 * <p>Not {@code @Sharable}: it reads its pipeline's {@link InboundContext}.
 */
public final class SelectorCheck extends ChannelInboundHandlerAdapter {
    private final InboundContext context;
    private final DropRecorder drops;

    public SelectorCheck(InboundContext context, DropRecorder drops) {
        this.context = context;
        this.drops = drops;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        SecurityAssociation sa = context.currentSa();
        if (sa == null) {
            packet.release();
            throw new IllegalStateException("a packet reached " + getClass().getSimpleName()
                    + " without an SA; it belongs behind the ESP decryption");
        }
        int ip = packet.readerIndex();
        if (sa.selectors().admits(Ipv4Header.sourceAddress(packet, ip),
                Ipv4Header.destinationAddress(packet, ip))) {
            ctx.fireChannelRead(packet);
        } else {
            packet.release();
            drops.drop(DropReason.TS_MISMATCH);
        }
    }
}
