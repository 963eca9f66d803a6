package espgw.esp;

import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import espgw.sa.SaDatabase;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Inbound ESP in the ESP socket channel's pipeline: reads an ESP packet ({@code ByteBuf} starting
 * at the SPI, outer IP header already stripped), emits (fires) the inner IPv4 packet as a slice
 * of the same memory — the same buffer object with its reader and writer index moved. Other
 * messages pass through untouched.
 *
 * <p>One handler rather than separate decryption and decapsulation: the AEAD verifies and
 * decrypts in one step, and only then are the trailer (padding, Next Header) readable.
 *
 * <p>While the inner packet travels down the pipeline, {@link InboundContext#currentSa()} names
 * the SA it arrived on (set before, cleared after {@code fireChannelRead}).
 *
 * <p>Buffer ownership: consumes every {@code ByteBuf} it reads; emits it on success, otherwise
 * releases it and counts the {@link DropReason}: {@code malformed}, {@code no_sa},
 * {@code sa_expired}, {@code replay}, {@code icv}, {@code bad_next_header}, or {@code dummy} for
 * RFC 4303 §2.6 dummy packets (discarded as the RFC says, counted on their own).
 *
 * <p>Not {@code @Sharable}: one instance per pipeline, on that pipeline's event loop.
 */
public final class EspInbound extends ChannelInboundHandlerAdapter {
    private final EspDecryptor decryptor;
    private final InboundContext context;
    private final DropRecorder drops;

    public EspInbound(SaDatabase database, InboundContext context, DropRecorder drops) {
        this.decryptor = new EspDecryptor(database);
        this.context = context;
        this.drops = drops;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf buf = (ByteBuf) msg;
        try {
            DropReason reason = decryptor.decrypt(buf);
            if (reason != null) {
                drops.drop(reason);
                return;
            }
            ByteBuf inner = buf;
            buf = null;
            context.currentSa(decryptor.lastSa());
            try {
                ctx.fireChannelRead(inner);
            } finally {
                context.currentSa(null);
            }
        } finally {
            if (buf != null) {
                buf.release();
            }
        }
    }
}
