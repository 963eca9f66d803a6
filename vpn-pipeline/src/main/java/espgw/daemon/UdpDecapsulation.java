package espgw.daemon;

import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import espgw.wire.UdpEncapsulation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * Inbound, first on the UDP socket: tells the datagrams on the NAT-traversal port apart (RFC 3948
 * §2) and emits the ESP ones as they are, from the SPI on, so ESP decryption sees the same thing as
 * from the raw socket. A NAT-keepalive (§2.3) is released and counted as
 * {@code nat_keepalive}. An IKE message (§2.2, behind the Non-ESP Marker) goes without the marker,
 * with its sender (which the socket tells while the datagram is passed on), to the IKE sessions.
 *
 * <p>The sender's address is neither checked nor passed on: as on the raw socket, the SA an
 * authentic packet decrypts with names its peer, so ESP from whatever port the peer's NAT chose
 * (RFC 3948) is taken; where ESP is sent back is IKE's business (RFC 7296 §2.23). Consumes each
 * datagram, a {@code ByteBuf} holding the UDP payload; other messages pass through.
 */
@ChannelHandler.Sharable
final class UdpDecapsulation extends ChannelInboundHandlerAdapter {
    private final DropRecorder drops;
    private final IkeInbound ike;
    private final Supplier<InetSocketAddress> sender;

    /** @param sender the sender of the datagram being passed on, e.g. {@code EspUdpChannel::sender} */
    UdpDecapsulation(DropRecorder drops, IkeInbound ike, Supplier<InetSocketAddress> sender) {
        this.drops = drops;
        this.ike = ike;
        this.sender = sender;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf payload)) {
            ctx.fireChannelRead(msg);
            return;
        }
        switch (UdpEncapsulation.kind(payload, payload.readerIndex(), payload.readableBytes())) {
            case ESP -> ctx.fireChannelRead(payload);
            case NAT_KEEPALIVE -> drop(payload, DropReason.NAT_KEEPALIVE);
            case IKE -> ike.receive(payload.skipBytes(UdpEncapsulation.NON_ESP_MARKER_LENGTH), sender.get(), true);
        }
    }

    private void drop(ByteBuf payload, DropReason reason) {
        payload.release();
        drops.drop(reason);
    }
}
