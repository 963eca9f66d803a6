package espgw.linux.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** What one wakeup reads from a TUN queue: up to MAX_PACKETS_PER_READ packets, and no more once MAX_BYTES_PER_READ is crossed. */
class TunReadBudgetTest {
    private static final int PACKETS = 30; // below tun0's txqueuelen (500): the kernel queues them all
    private static final int PACKET_BYTES = 1200;
    private static final long DEADLINE_NANOS = 20_000_000_000L;

    @Test
    void aWakeupStopsAtThePacketThatCrossesTheByteBudget() throws Exception {
        // 4 packets make 4800 bytes, under the budget; the 5th crosses it and is the last.
        assertEquals(List.of(5, 5, 5, 5, 5, 5), batches(config -> config.setMaxBytesPerRead(5000)));
    }

    @Test
    void withoutAByteBudgetTheCountAlonePartsTheBatches() throws Exception {
        assertEquals(List.of(PACKETS), batches(config -> { }));
        assertEquals(List.of(8, 8, 8, 6), batches(config -> config.setMaxPacketsPerRead(8)));
    }

    /** The packets each read batch (one channelReadComplete) delivered, for packets queued before the channel starts. */
    private static List<Integer> batches(Consumer<TunChannelConfig> configure) throws Exception {
        BatchSizes batches = new BatchSizes();
        try (TunLab tun = new TunLab(configure, batches); DatagramChannel sender = tun.udpSocket()) {
            ByteBuffer payload = ByteBuffer.allocateDirect(PACKET_BYTES - 28);
            for (int i = 0; i < PACKETS; i++) {
                sender.send(payload.clear(), new InetSocketAddress("10.77.0.2", 9));
            }
            tun.start();
            long deadline = System.nanoTime() + DEADLINE_NANOS;
            while (batches.total() < PACKETS && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            return List.copyOf(batches.sizes);
        }
    }

    /** Counts UDP packets per read batch and releases every packet. */
    private static final class BatchSizes extends ChannelInboundHandlerAdapter {
        final List<Integer> sizes = new CopyOnWriteArrayList<>();
        private int current;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf packet = (ByteBuf) msg;
            if (TestPackets.isIpv4(packet, TestPackets.IPPROTO_UDP)) {
                current++;
            }
            packet.release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (current > 0) {
                sizes.add(current);
                current = 0;
            }
        }

        int total() {
            return sizes.stream().mapToInt(Integer::intValue).sum();
        }
    }
}
