package espgw.daemon;

import espgw.linux.tun.VirtioNetHeader;
import espgw.linux.udp.EspUdpChannel;
import espgw.wire.Ipv4Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.management.ManagementFactory;

/**
 * Run in a JVM of its own by {@link PacketBuffersTest}, since Netty reads its settings once, on an
 * event-loop-like thread: allocates and releases each of the largest read buffers three times and
 * prints, per size, how many of the three the shared arena served (the rest came from the thread's
 * cache); then takes {@value #SLICES_TOGETHER} slices of a GRO read, as the coalescer holds a
 * super-packet's datagrams, releases them together, many times, and prints the heap bytes that
 * cost per slice ({@code slices N}). With {@code configure} as argument it first does what
 * espgw's main does.
 */
final class PacketBuffersProbe {
    /** A TUN read with offloads (virtio-net header, the largest IPv4 packet, a byte of tailroom), and a UDP GRO read. */
    static final int[] LARGEST_READS = {VirtioNetHeader.LENGTH + Ipv4Header.MAX_TOTAL_LENGTH + 1, EspUdpChannel.GRO_SLOT};

    /** A TUN super-packet's worth of GRO datagrams, more than Netty's recycler keeps by default (32). */
    static final int SLICES_TOGETHER = 64;
    private static final int SLICE_BYTES = 1000;
    private static final int ROUNDS = 2000;

    private PacketBuffersProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("configure")) {
            PacketBuffers.configure();
        }
        Thread loop = new FastThreadLocalThread(() -> {
            PooledByteBufAllocator allocator = PacketBuffers.allocator();
            for (int size : LARGEST_READS) {
                long before = arenaAllocations(allocator);
                for (int i = 0; i < 3; i++) {
                    allocator.directBuffer(size).release();
                }
                System.out.println(size + " " + (arenaAllocations(allocator) - before));
            }
            ByteBuf read = allocator.directBuffer(EspUdpChannel.GRO_SLOT).writerIndex(SLICES_TOGETHER * SLICE_BYTES);
            ByteBuf[] slices = new ByteBuf[SLICES_TOGETHER];
            sliceAndRelease(read, slices); // the recycler's pools fill
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            sliceAndRelease(read, slices);
            long perSlice = (threads.getCurrentThreadAllocatedBytes() - before) / ((long) ROUNDS * SLICES_TOGETHER);
            System.out.println("slices " + perSlice);
            read.release();
        });
        loop.start();
        loop.join();
    }

    private static void sliceAndRelease(ByteBuf read, ByteBuf[] slices) {
        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < slices.length; i++) {
                slices[i] = read.retainedSlice(i * SLICE_BYTES, SLICE_BYTES);
            }
            for (ByteBuf slice : slices) {
                slice.release();
            }
        }
    }

    private static long arenaAllocations(PooledByteBufAllocator allocator) {
        return allocator.metric().directArenas().stream().mapToLong(PoolArenaMetric::numNormalAllocations).sum();
    }
}
