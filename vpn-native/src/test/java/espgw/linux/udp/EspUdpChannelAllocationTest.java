package espgw.linux.udp;

import espgw.linux.netns.NetNamespace;
import espgw.testing.EventLoopAllocationMeter;
import espgw.testing.EventLoopAllocationMeter.PerDatagram;
import espgw.testing.Privileges;
import espgw.testing.VethLab;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.net.InetSocketAddress;
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

    @Test
    void neitherReceivingNorSendingAllocatesPerDatagram() throws Exception {
        Privileges.requireNetnsLab();
        // With thread caches that keep 64 KiB GRO read buffers, as the daemon's (PacketBuffers) do:
        // pages of 128 KiB make them small allocations, which Netty caches whatever its size limit.
        PooledByteBufAllocator allocator = new PooledByteBufAllocator(true, 0, 1, LARGE_PAGE, LARGE_PAGE_MAX_ORDER,
                SMALL_CACHE_SIZE, 0, true);
        try (VethLab lab = new VethLab("eudpa", "eua", "10.9.1.1/24", "eub", "10.9.1.2/24", 2);
                EventLoopAllocationMeter meter = new EventLoopAllocationMeter(DATAGRAMS)) {
            EspUdpChannel receiver = NetNamespace.call(lab.nsB, () -> EspUdpChannel.open(0, 32 << 20));
            EspUdpChannel sender = NetNamespace.call(lab.nsA, () -> EspUdpChannel.open(0, 32 << 20));
            receiver.config().setAllocator(allocator);
            sender.config().setAllocator(allocator);
            receiver.pipeline().addLast(meter.arrivalCounter());
            lab.group.register(receiver).sync();
            lab.group.register(sender).sync();
            receiver.bind(B).sync();
            sender.bind(A).sync();
            byte[] segment = EspUdpChannelTest.segment(7, SEGMENT_SIZE);

            PerDatagram allocated = meter.measure(sender, receiver, WARM_UP_ROUNDS, RUNS, FLUSH_EVERY, () -> {
                ByteBuf content = allocator.directBuffer(DATAGRAMS_PER_RUN * SEGMENT_SIZE);
                for (int i = 0; i < DATAGRAMS_PER_RUN; i++) {
                    content.writeBytes(segment);
                }
                return new SegmentedDatagramPacket(content, SEGMENT_SIZE, B);
            });
            allocated.assertEachPathBelow(AMORTIZED_SLACK_BYTES);
            sender.close().sync();
            receiver.close().sync();
        }
    }
}
