package espgw.daemon;

import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import espgw.wire.UdpEncapsulation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

/**
 * Inbound, first on the UDP socket: tells the datagrams on the NAT-traversal port apart (RFC 3948
 * §2) and emits the ESP ones as their payload buffer, from the SPI on, so ESP decryption sees the
 * same thing as from the raw socket. A NAT-keepalive (§2.3) is released and counted as
 * {@code nat_keepalive}. An IKE message (§2.2, behind the Non-ESP Marker) goes without the marker,
 * with its sender, to the IKE sessions.
 *
 * <p>The sender's address is neither checked nor passed on: as on the raw socket, the SA an
 * authentic packet decrypts with names its peer, so ESP from whatever port the peer's NAT chose
 * (RFC 3948) is taken; where ESP is sent back is IKE's business (RFC 7296 §2.23). Consumes each
 * {@code DatagramPacket}; other messages pass through.
 */
@ChannelHandler.Sharable
final class UdpDecapsulation extends ChannelInboundHandlerAdapter {
    private final DropRecorder drops;
    private final IkeInbound ike;

    UdpDecapsulation(DropRecorder drops, IkeInbound ike) {
        this.drops = drops;
        this.ike = ike;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket datagram)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf payload = datagram.content();
        switch (UdpEncapsulation.kind(payload, payload.readerIndex(), payload.readableBytes())) {
            case ESP -> ctx.fireChannelRead(payload);
            case NAT_KEEPALIVE -> drop(payload, DropReason.NAT_KEEPALIVE);
            case IKE -> ike.receive(payload.skipBytes(UdpEncapsulation.NON_ESP_MARKER_LENGTH), datagram.sender(), true);
        }
    }

    private void drop(ByteBuf payload, DropReason reason) {
        payload.release();
        drops.drop(reason);
    }
}
