package espgw.linux.raw;

import static espgw.linux.raw.EspTestPackets.address;

import espgw.linux.netns.NetNamespace;
import espgw.testing.EventLoopAllocationMeter;
import espgw.testing.EventLoopAllocationMeter.PerDatagram;
import espgw.testing.VethLab;
import io.netty.buffer.PooledByteBufAllocator;
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

    @Test
    void neitherReceivingNorSendingInBatchesAllocates() throws Exception {
        // With thread caches, as in production: the cache-less path allocates bookkeeping itself.
        PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);
        try (VethLab lab = new VethLab("eg", "esa", "192.168.77.1/24", "esb", "192.168.77.2/24", 2);
                EventLoopAllocationMeter meter = new EventLoopAllocationMeter(DATAGRAMS)) {
            EspSocketChannel receiver = NetNamespace.call(lab.nsB,
                    () -> EspSocketChannel.open(EspSocketOptions.defaults().withReceiveBufferBytes(32 << 20)));
            EspSocketChannel sender = NetNamespace.call(lab.nsA,
                    () -> EspSocketChannel.open(EspSocketOptions.defaults()));
            receiver.config().setAllocator(allocator);
            sender.config().setAllocator(allocator);
            receiver.pipeline().addLast(meter.arrivalCounter());
            lab.group.register(receiver).sync();
            lab.group.register(sender).sync();
            byte[] esp = EspTestPackets.esp(0x5eed0002, 1, 1000);

            PerDatagram allocated = meter.measure(sender, receiver, WARM_UP_ROUNDS, DATAGRAMS, FLUSH_EVERY,
                    () -> EspTestPackets.packet(allocator, ADDRESS_A, ADDRESS_B, esp));
            allocated.assertEachPathBelow(AMORTIZED_SLACK_BYTES);
            sender.close().sync();
            receiver.close().sync();
        }
    }
}
