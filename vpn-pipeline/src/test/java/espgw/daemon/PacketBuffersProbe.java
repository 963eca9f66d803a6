package espgw.daemon;

import espgw.linux.tun.VirtioNetHeader;
import espgw.linux.udp.EspUdpChannel;
import espgw.wire.Ipv4Header;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocalThread;

/**
 * Run in a JVM of its own by {@link PacketBuffersTest}, since Netty reads its cache limit once:
 * allocates and releases each of the largest read buffers three times on an event-loop-like thread
 * and prints, per size, how many of the three the shared arena served (the rest came from the
 * thread's cache). With {@code configure} as argument it first does what espgw's main does.
 */
final class PacketBuffersProbe {
    /** A TUN read with offloads (virtio-net header, the largest IPv4 packet, a byte of tailroom), and a UDP GRO read. */
    static final int[] LARGEST_READS = {VirtioNetHeader.LENGTH + Ipv4Header.MAX_TOTAL_LENGTH + 1, EspUdpChannel.GRO_SLOT};

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
        });
        loop.start();
        loop.join();
    }

    private static long arenaAllocations(PooledByteBufAllocator allocator) {
        return allocator.metric().directArenas().stream().mapToLong(PoolArenaMetric::numNormalAllocations).sum();
    }
}
