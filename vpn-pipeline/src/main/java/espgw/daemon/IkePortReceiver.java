package espgw.daemon;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

/**
 * Inbound, on the socket of UDP port 500 (RFC 7296 §2): hands each datagram, an IKE message with
 * no marker in front, and its sender to the IKE sessions, which release it. Other messages pass on.
 */
@ChannelHandler.Sharable
final class IkePortReceiver extends ChannelInboundHandlerAdapter {
    private final IkeInbound ike;

    IkePortReceiver(IkeInbound ike) {
        this.ike = ike;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket datagram) {
            ike.receive(datagram.content(), datagram.sender(), false);
        } else {
            ctx.fireChannelRead(msg);
        }
    }
}
