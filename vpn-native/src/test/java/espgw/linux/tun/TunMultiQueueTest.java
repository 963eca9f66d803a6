package espgw.linux.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.linux.netns.NetNamespace;
import espgw.testing.NetnsLab;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Two queues of one device on two event loops: the kernel spreads flows over both. */
class TunMultiQueueTest {
    private static final int FLOWS = 64;

    @Test
    void eachQueueHasItsOwnLoopAndCarriesTraffic() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("mq");
            TunDevice device = NetNamespace.call(ns, () -> TunDevice.open("mq%d", 2));
            try (device) {
                assertEquals("mq0", device.name());
                lab.exec(ns, "ip", "addr", "add", "10.77.0.1/24", "dev", device.name());
                lab.exec(ns, "ip", "link", "set", device.name(), "up");
                Counter counter = new Counter();
                List<ChannelFuture> registrations = TunQueues.register(device, group, counter);
                for (ChannelFuture registration : registrations) {
                    registration.sync();
                }
                assertNotSame(registrations.get(0).channel().eventLoop(), registrations.get(1).channel().eventLoop());

                try (DatagramChannel sender =
                        NetNamespace.call(ns, () -> DatagramChannel.open(StandardProtocolFamily.INET))) {
                    for (int port = 1000; port < 1000 + FLOWS; port++) {
                        sender.send(ByteBuffer.allocate(8), new InetSocketAddress("10.77.0.2", port));
                    }
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (counter.total() < FLOWS && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(FLOWS, counter.total());
                for (ChannelFuture registration : registrations) {
                    TunChannel channel = (TunChannel) registration.channel();
                    long read = channel.eventLoop().submit(channel::packetsRead).get();
                    assertTrue(read > 0, "queue " + registrations.indexOf(registration) + " read nothing");
                    channel.close().sync();
                }
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    @ChannelHandler.Sharable
    private static final class Counter extends ChannelInboundHandlerAdapter {
        private final AtomicLong udp = new AtomicLong();

        long total() {
            return udp.get();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (TestPackets.isIpv4((ByteBuf) msg, TestPackets.IPPROTO_UDP)) {
                udp.incrementAndGet();
            }
            ReferenceCountUtil.release(msg);
        }
    }
}
