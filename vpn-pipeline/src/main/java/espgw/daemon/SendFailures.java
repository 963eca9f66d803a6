package espgw.daemon;

import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import espgw.linux.udp.DatagramsRefusedException;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;

/**
 * Last on a UDP socket's pipeline: a datagram the kernel refused (written with the void promise,
 * whose failure arrives here) is counted as {@code send_failed}, like any other lost packet, instead
 * of reaching Netty's tail as an unhandled exception; a refused GSO run counts each of its
 * datagrams. An unconnected UDP socket reports no errors on receive, so an I/O error here is a
 * refused send; anything else passes on.
 */
@ChannelHandler.Sharable
final class SendFailures extends ChannelInboundHandlerAdapter {
    private final DropRecorder drops;

    SendFailures(DropRecorder drops) {
        this.drops = drops;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            int datagrams = cause instanceof DatagramsRefusedException refused ? refused.datagrams() : 1;
            for (int i = 0; i < datagrams; i++) {
                drops.drop(DropReason.SEND_FAILED);
            }
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
