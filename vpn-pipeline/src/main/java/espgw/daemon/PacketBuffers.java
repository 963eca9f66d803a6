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
 */
public final class PacketBuffers {
    /** Netty's setting of the largest buffer a thread's cache keeps; read once, when its allocator is first used. */
    static final String MAX_CACHED_PROPERTY = "io.netty.allocator.maxCachedBufferCapacity";
    /** Above the largest read, rounded up to one of Netty's size classes. */
    static final int MAX_CACHED_BYTES = 128 * 1024;
    private static final int NETTY_DEFAULT_MAX_CACHED_BYTES = 32 * 1024;

    private PacketBuffers() {
    }

    /** Sets Netty's cache limit unless the operator set it (-D). Call it before anything uses Netty. */
    public static void configure() {
        if (System.getProperty(MAX_CACHED_PROPERTY) == null) {
            System.setProperty(MAX_CACHED_PROPERTY, Integer.toString(MAX_CACHED_BYTES));
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
