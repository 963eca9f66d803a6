package espgw.linux.udp;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.linux.netns.NetNamespace;
import espgw.testing.NetnsLab;
import espgw.testing.Privileges;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.SegmentedDatagramPacket;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Heap bytes allocated per datagram on each event loop thread once the JIT has settled: GSO runs
 * sent with sendmmsg, GRO runs received with recvmmsg and passed on datagram by datagram. The
 * sender's figure includes the one {@code SegmentedDatagramPacket} per run its caller makes. Leak
 * detection is off for the measurement, since its records are allocations of their own; buffer
 * release is checked by {@link EspUdpChannelTest}.
 */
@Timeout(120)
class EspUdpChannelAllocationTest {
    private static final int RUNS = 500;
    private static final int DATAGRAMS_PER_RUN = 40;
    private static final int DATAGRAMS = RUNS * DATAGRAMS_PER_RUN;
    private static final int SEGMENT_SIZE = 1000;
    /** Rounds before the measured one: C2 needs a few tens of thousands of packets to settle. */
    private static final int WARM_UP_ROUNDS = 4;
    private static final int FLUSH_EVERY = 8;
    private static final InetSocketAddress A = new InetSocketAddress("10.9.1.1", 4500);
    private static final InetSocketAddress B = new InetSocketAddress("10.9.1.2", 4500);
    private static final int LARGE_PAGE = 128 * 1024;
    /** Chunks of 2 MiB. */
    private static final int LARGE_PAGE_MAX_ORDER = 4;
    private static final int SMALL_CACHE_SIZE = 256;
    /** Per wakeup, per flush and per run costs (event loop bookkeeping), spread over the datagrams. */
    private static final double AMORTIZED_SLACK_BYTES = 2;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void neitherReceivingNorSendingAllocatesPerDatagram() throws Exception {
        Privileges.requireNetnsLab();
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        // With thread caches that keep 64 KiB GRO read buffers, as the daemon's (PacketBuffers) do:
        // pages of 128 KiB make them small allocations, which Netty caches whatever its size limit.
        PooledByteBufAllocator allocator = new PooledByteBufAllocator(true, 0, 1, LARGE_PAGE, LARGE_PAGE_MAX_ORDER,
                SMALL_CACHE_SIZE, 0, true);
        MultiThreadIoEventLoopGroup group = null;
        try (NetnsLab lab = new NetnsLab("eudpa")) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
            String nsA = lab.namespace("a");
            String nsB = lab.namespace("b");
            lab.veth(nsA, "eua", "10.9.1.1/24", nsB, "eub", "10.9.1.2/24");
            group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
            EspUdpChannel receiver = NetNamespace.call(nsB, () -> EspUdpChannel.open(0, 32 << 20));
            EspUdpChannel sender = NetNamespace.call(nsA, () -> EspUdpChannel.open(0, 32 << 20));
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
            receiver.bind(B).sync();
            sender.bind(A).sync();
            long receiverThread = receiver.eventLoop().submit(() -> Thread.currentThread().getId()).get();
            long senderThread = sender.eventLoop().submit(() -> Thread.currentThread().getId()).get();
            assertTrue(receiverThread != senderThread, "the two channels must run on different threads");
            byte[] segment = EspUdpChannelTest.segment(7, SEGMENT_SIZE);

            for (int round = 0; round <= WARM_UP_ROUNDS; round++) {
                arrivals.set(new CountDownLatch(DATAGRAMS));
                long receiverBefore = threads.getThreadAllocatedBytes(receiverThread);
                long senderBefore = threads.getThreadAllocatedBytes(senderThread);
                // Built and written on the sender's own loop, so that only the send path is measured.
                sender.eventLoop().submit(() -> {
                    for (int run = 0; run < RUNS; run++) {
                        ByteBuf content = allocator.directBuffer(DATAGRAMS_PER_RUN * SEGMENT_SIZE);
                        for (int i = 0; i < DATAGRAMS_PER_RUN; i++) {
                            content.writeBytes(segment);
                        }
                        sender.write(new SegmentedDatagramPacket(content, SEGMENT_SIZE, B), sender.voidPromise());
                        if (run % FLUSH_EVERY == FLUSH_EVERY - 1) {
                            sender.flush();
                        }
                    }
                    sender.flush();
                }).sync();
                assertTrue(arrivals.get().await(30, SECONDS), "round " + round + ": not all datagrams arrived, "
                        + arrivals.get().getCount() + " missing");
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
