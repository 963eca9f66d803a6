package espgw.linux.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.testing.Privileges;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** ping from inside the namespace to a peer that only exists as the test's pipeline behind tun0. */
class TunPingTest {
    @Test
    void theChannelAnswersEveryPing() throws Exception {
        Privileges.requireCommand("ping");
        EchoResponder responder = new EchoResponder();
        try (TunLab tun = new TunLab(config -> config.setHeadroom(64).setMaxPacketSize(TunLab.MTU), responder)) {
            assertEquals(TunLab.MTU, tun.device.mtu());
            String link = tun.lab.exec(tun.ns, "ip", "-o", "-4", "addr", "show", "dev", TunLab.NAME);
            assertTrue(link.contains("inet 10.77.0.1/24"), link);
            assertTrue(tun.lab.exec(tun.ns, "ip", "-o", "link", "show", TunLab.NAME).contains(",UP,"));
            tun.start();
            String out = tun.lab.exec(tun.ns, "ping", "-n", "-c", "20", "-i", "0.05", "-W", "2", "10.77.0.2");

            assertTrue(out.contains("20 packets transmitted, 20 received, 0% packet loss"), out);
            assertEquals(20, responder.replies.get());
            assertEquals(20L, tun.onLoop(tun.channel::packetsWritten));
        }
    }

    /** Turns every ICMP echo request into a reply in place (the buffer goes back out); drops the rest. */
    private static final class EchoResponder extends ChannelInboundHandlerAdapter {
        final AtomicInteger replies = new AtomicInteger();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf packet = (ByteBuf) msg;
            assertEquals(64, packet.readerIndex(), "the configured headroom is left in front of the packet");
            if (!TestPackets.isIcmpEchoRequest(packet)) {
                packet.release();
                return;
            }
            TestPackets.turnIntoEchoReply(packet);
            replies.incrementAndGet();
            ctx.write(packet, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }
}
