package espgw.linux.epoll;

import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How an epoll event loop waits once its work is done: it asks epoll without blocking (a zero
 * timeout) again and again for up to a window, and sleeps in {@code epoll_wait} only when nothing
 * came in that time. A packet that arrives within the window, typically the reply to one the loop
 * has just sent, finds the thread running and its caches warm, instead of a thread to wake and
 * code and data to fetch again from memory.
 *
 * <p>The price is CPU: up to one window after every wakeup. A loop busy with traffic never waits
 * anyway; one whose packets come closer together than the window never sleeps and takes a whole
 * core. While the loop polls, other threads do not wake it, so their tasks and timers that fall
 * due wait until the window ends, at most the window.
 */
public final class BusyPollStrategy implements SelectStrategy {
    private final long windowNanos;
    private final LongSupplier nanoClock;

    BusyPollStrategy(long windowNanos, LongSupplier nanoClock) {
        this.windowNanos = windowNanos;
        this.nanoClock = nanoClock;
    }

    /** Netty's own strategy, which sleeps at once, for 0; else polling for {@code micros} µs. */
    public static SelectStrategyFactory factory(int micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("a busy-poll window of " + micros + " µs");
        }
        if (micros == 0) {
            return DefaultSelectStrategyFactory.INSTANCE;
        }
        long windowNanos = TimeUnit.MICROSECONDS.toNanos(micros);
        return () -> new BusyPollStrategy(windowNanos, System::nanoTime);
    }

    /**
     * @param pollNow epoll_wait with a zero timeout: how many fds are ready, their events kept for
     *                the loop to handle
     * @return that count once it is positive, or when tasks wait (even 0); else
     *         {@link SelectStrategy#SELECT}: sleep in epoll_wait
     */
    @Override
    public int calculateStrategy(IntSupplier pollNow, boolean hasTasks) throws Exception {
        if (hasTasks) {
            return pollNow.get();
        }
        long start = nanoClock.getAsLong();
        do {
            int ready = pollNow.get();
            if (ready > 0) {
                return ready;
            }
        } while (nanoClock.getAsLong() - start < windowNanos);
        return SelectStrategy.SELECT;
    }
}
