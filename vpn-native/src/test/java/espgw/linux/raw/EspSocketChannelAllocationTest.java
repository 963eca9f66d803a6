package espgw.linux.raw;

import static espgw.linux.raw.EspTestPackets.address;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.linux.netns.NetNamespace;
import espgw.testing.NetnsLab;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Heap bytes allocated per datagram on each event loop thread once the JIT has settled, with
 * batches on both sides (recvmmsg per wakeup, sendmmsg per flush of 32). Leak detection is off for
 * the measurement, since its records are allocations of their own; buffer release is checked by
 * {@link EspSocketChannelTest}.
 */
@Timeout(120)
class EspSocketChannelAllocationTest {
    private static final int DATAGRAMS = 10_000;
    /** Rounds before the measured one: C2 needs a few tens of thousands of packets to settle. */
    private static final int WARM_UP_ROUNDS = 4;
    private static final int FLUSH_EVERY = 32;
    private static final int ADDRESS_A = address(192, 168, 77, 1);
    private static final int ADDRESS_B = address(192, 168, 77, 2);
    /** Per wakeup or per flush costs (event loop bookkeeping), spread over the datagrams. */
    private static final double AMORTIZED_SLACK_BYTES = 2;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void neitherReceivingNorSendingInBatchesAllocates() throws Exception {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        // With thread caches, as in production: the cache-less path allocates bookkeeping itself.
        PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
        MultiThreadIoEventLoopGroup group = null;
        try (NetnsLab lab = new NetnsLab()) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
            String nsA = lab.namespace("a");
            String nsB = lab.namespace("b");
            lab.veth(nsA, "esa", "192.168.77.1/24", nsB, "esb", "192.168.77.2/24");
            group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
            EspSocketChannel receiver = NetNamespace.call(nsB,
                    () -> EspSocketChannel.open(EspSocketOptions.defaults().withReceiveBufferBytes(32 << 20)));
            EspSocketChannel sender = NetNamespace.call(nsA, () -> EspSocketChannel.open(EspSocketOptions.defaults()));
            receiver.config().setAllocator(allocator);
            sender.config().setAllocator(allocator);
            AtomicReference<CountDownLatch> arrivals = new AtomicReference<>();
            receiver.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ((ByteBuf) msg).release();
                    arrivals.get().countDown();
                }
            });
            group.register(receiver).sync();
            group.register(sender).sync();
            long receiverThread = receiver.eventLoop().submit(() -> Thread.currentThread().getId()).get();
            long senderThread = sender.eventLoop().submit(() -> Thread.currentThread().getId()).get();
            assertTrue(receiverThread != senderThread, "the two channels must run on different threads");
            byte[] esp = EspTestPackets.esp(0x5eed0002, 1, 1000);

            for (int round = 0; round <= WARM_UP_ROUNDS; round++) {
                arrivals.set(new CountDownLatch(DATAGRAMS));
                long receiverBefore = threads.getThreadAllocatedBytes(receiverThread);
                long senderBefore = threads.getThreadAllocatedBytes(senderThread);
                // Built and written on the sender's own loop, so that only the send path is measured.
                sender.eventLoop().submit(() -> {
                    for (int i = 0; i < DATAGRAMS; i++) {
                        sender.write(EspTestPackets.packet(allocator, ADDRESS_A, ADDRESS_B, esp), sender.voidPromise());
                        if (i % FLUSH_EVERY == FLUSH_EVERY - 1) {
                            sender.flush();
                        }
                    }
                    sender.flush();
                }).sync();
                assertTrue(arrivals.get().await(30, SECONDS), "round " + round + ": not all datagrams arrived");
                double receivePerDatagram =
                        (threads.getThreadAllocatedBytes(receiverThread) - receiverBefore) / (double) DATAGRAMS;
                double sendPerDatagram =
                        (threads.getThreadAllocatedBytes(senderThread) - senderBefore) / (double) DATAGRAMS;
                if (round == WARM_UP_ROUNDS) {
                    assertTrue(receivePerDatagram < AMORTIZED_SLACK_BYTES, "receive path allocates " + receivePerDatagram + " B/datagram");
                    assertTrue(sendPerDatagram < AMORTIZED_SLACK_BYTES, "send path allocates " + sendPerDatagram + " B/datagram");
                }
            }
            sender.close().sync();
            receiver.close().sync();
        } finally {
            ResourceLeakDetector.setLevel(level);
            if (group != null) {
                group.shutdownGracefully(0, 5, SECONDS).syncUninterruptibly();
            }
        }
    }
}
