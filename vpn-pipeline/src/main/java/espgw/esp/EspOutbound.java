package espgw.esp;

import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import espgw.sa.SecurityAssociation;
import espgw.wire.EspHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Outbound ESP in the TUN channel's pipeline: reads an inner IPv4 packet ({@code ByteBuf}),
 * emits (fires) the ESP packet from the SPI on in the same buffer; the outer IPv4 header and the
 * write to the ESP socket are later handlers' business. Other messages pass through untouched.
 *
 * <p>One handler rather than separate encapsulation and encryption: with an AEAD the seal covers
 * exactly the bytes encapsulation just wrote (payload, padding, trailer) and writes the ICV the
 * framing has to make room for, and the AAD needs the sequence number encapsulation chose; split
 * in two, the handlers would have to pass that state along beside the buffer.
 *
 * <p>Buffer ownership: consumes every {@code ByteBuf} it reads. Encrypts in place when the buffer
 * has {@link EspHeader#PAYLOAD_OFFSET} octets of headroom in front of the reader index and can
 * take {@link EspCodec#tailroom} octets behind it (the TUN read reserves both); otherwise it
 * copies the packet into a new pooled direct buffer with that room and releases the original.
 * Emits that one buffer (the caller downstream owns it) or, on a drop, releases it and counts
 * the {@link DropReason}: {@code no_sa} when the selector finds no SA, {@code sa_expired}.
 *
 * <p>Not {@code @Sharable}: one instance per pipeline, on that pipeline's event loop.
 */
public final class EspOutbound extends ChannelInboundHandlerAdapter {
    private final OutboundSaSelector selector;
    private final DropRecorder drops;
    private final EspEncryptor encryptor = new EspEncryptor();

    public EspOutbound(OutboundSaSelector selector, DropRecorder drops) {
        this.selector = selector;
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
            SecurityAssociation sa = selector.select(buf);
            if (sa == null) {
                drops.drop(DropReason.NO_SA);
                return;
            }
            buf = withRoom(ctx.alloc(), buf);
            DropReason reason = encryptor.encrypt(sa, buf);
            if (reason != null) {
                drops.drop(reason);
                return;
            }
            ByteBuf out = buf;
            buf = null;
            ctx.fireChannelRead(out);
        } finally {
            if (buf != null) {
                buf.release();
            }
        }
    }

    /** The buffer itself if it has the head- and tailroom, else a copy that has (old released). */
    static ByteBuf withRoom(ByteBufAllocator alloc, ByteBuf buf) {
        int length = buf.readableBytes();
        int tailroom = EspCodec.tailroom(length);
        if (buf.readerIndex() >= EspHeader.PAYLOAD_OFFSET && !buf.isReadOnly()
                && buf.maxWritableBytes() >= tailroom) {
            buf.ensureWritable(tailroom);
            return buf;
        }
        ByteBuf copy = alloc.directBuffer(EspHeader.PAYLOAD_OFFSET + length + EspHeader.MAX_TRAILER_OVERHEAD);
        try {
            copy.setIndex(EspHeader.PAYLOAD_OFFSET, EspHeader.PAYLOAD_OFFSET);
            copy.writeBytes(buf, buf.readerIndex(), length);
        } catch (RuntimeException e) {
            copy.release();
            throw e;
        }
        buf.release();
        return copy;
    }
}
