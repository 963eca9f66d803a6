package espgw.testing;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The bytes a piece of the data path allocates on a thread like the daemon's event loops.
 *
 * <p>On a {@link FastThreadLocalThread}: Netty 4.2 recycles pooled {@code ByteBuf} objects only
 * there, and on any other thread makes a new one (with its reference count and NIO view) per
 * allocation, about 170 B. The leak detector is off while it runs: at PARANOID every buffer
 * records where it was touched.
 */
public final class EventLoopAllocation {
    private EventLoopAllocation() {
    }

    /** Work to run on the event loop thread; it creates its channels there and closes them when done. */
    public interface Rounds extends AutoCloseable {
        void run(int rounds);

        @Override
        void close();
    }

    /**
     * Runs {@code warmUpRounds} (long enough for C2: code still running interpreted or from C1
     * allocates objects that C2's escape analysis keeps off the heap), then returns the bytes the
     * thread allocated for {@code measuredRounds} more.
     */
    public static long bytesFor(Supplier<Rounds> setUp, int warmUpRounds, int measuredRounds)
            throws InterruptedException {
        AtomicLong allocated = new AtomicLong(-1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try {
            Thread loop = new FastThreadLocalThread(() -> {
                try (Rounds rounds = setUp.get()) {
                    com.sun.management.ThreadMXBean threads =
                            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                    rounds.run(warmUpRounds);
                    long before = threads.getCurrentThreadAllocatedBytes();
                    rounds.run(measuredRounds);
                    allocated.set(threads.getCurrentThreadAllocatedBytes() - before);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            loop.start();
            loop.join();
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        return allocated.get();
    }
}
