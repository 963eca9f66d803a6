package espgw.daemon;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.SystemPropertyUtil;

/**
 * Where the gateway's packet buffers come from: Netty's pooled allocator, with buffers of the
 * largest reads (a 64 KiB TUN super-packet behind its virtio-net header, a 64 KiB run of UDP GRO
 * datagrams) kept in each event loop's own cache.
 *
 * <p>Netty 4.2's default allocator (adaptive) freed and re-allocated, zeroed, a whole chunk of
 * direct memory per wakeup at low rates and carried ~60 % of this one's UDP packet rate. This
 * one caches only buffers up to 32 KiB per thread by default, so each 64 KiB read buffer went back
 * to the shared arena and its lock once per packet (vpn-bench/e2e/README.md has both A/B runs).
 *
 * <p>Slices of a UDP GRO read carry the datagrams a TUN super-packet coalesces, released together
 * when it is written: up to 64 at once. Netty's recycler keeps 32 released objects per thread in
 * a plain array and passes more to a queue that allocates as it grows: 44 MB of garbage on the
 * receiving gateway in one end-to-end bench run (JFR), nearly all it allocated. So the array holds
 * {@value #RECYCLER_CHUNK}.
 */
public final class PacketBuffers {
    /** Netty's setting of the largest buffer a thread's cache keeps; read once, when its allocator is first used. */
    static final String MAX_CACHED_PROPERTY = "io.netty.allocator.maxCachedBufferCapacity";
    /** Above the largest read, rounded up to one of Netty's size classes. */
    static final int MAX_CACHED_BYTES = 128 * 1024;
    private static final int NETTY_DEFAULT_MAX_CACHED_BYTES = 32 * 1024;
    /** Netty's setting of how many released objects of a kind a thread keeps before queueing them. */
    static final String RECYCLER_CHUNK_PROPERTY = "io.netty.recycler.chunkSize";
    /** Above the most slices released together (a super-packet of 64 datagrams), with room for other kinds of object. */
    static final int RECYCLER_CHUNK = 256;

    private PacketBuffers() {
    }

    /** Sets Netty's cache limit and recycler size unless the operator set them (-D). Call it before anything uses Netty. */
    public static void configure() {
        setUnlessSet(MAX_CACHED_PROPERTY, MAX_CACHED_BYTES);
        setUnlessSet(RECYCLER_CHUNK_PROPERTY, RECYCLER_CHUNK);
    }

    private static void setUnlessSet(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    public static PooledByteBufAllocator allocator() {
        return PooledByteBufAllocator.DEFAULT;
    }

    /** The largest buffer each event loop's cache keeps: what Netty reads, with Netty's default. */
    static int maxCachedBytes() {
        return SystemPropertyUtil.getInt(MAX_CACHED_PROPERTY, NETTY_DEFAULT_MAX_CACHED_BYTES);
    }

    /** False when the operator set a limit below the largest reads. */
    static boolean largestReadsCached() {
        return maxCachedBytes() >= MAX_CACHED_BYTES;
    }
}
