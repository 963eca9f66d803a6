package espgw.linux.epoll;

import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How an epoll event loop waits once its work is done. When that work ended a quiet spell (the
 * loop had gone to sleep at least a window ago), typically a lone packet sent on, the loop asks
 * epoll without blocking (a zero timeout) again and again for up to the window before it sleeps,
 * so that the reply finds the thread running and its caches warm instead of a thread to wake and
 * code and data to fetch from memory again. Once per spell: after that the loop sleeps as soon as
 * it has nothing to do, so steady traffic, whose gaps are short, never makes it spin and take CPU
 * from the applications beside it.
 *
 * <p>The price is CPU: up to one window per quiet spell, and packets that come about a window
 * apart make it spin half the time. While the loop polls, other threads do not wake it, so their
 * tasks and timers that fall due wait until the window ends, at most the window.
 */
public final class BusyPollStrategy implements SelectStrategy {
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private boolean sleptSincePolling = true;
    private long sleptAt;

    BusyPollStrategy(long windowNanos, LongSupplier nanoClock) {
        this.windowNanos = windowNanos;
        this.nanoClock = nanoClock;
        this.sleptAt = nanoClock.getAsLong() - windowNanos;
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
     * @return with tasks waiting, one poll's count (even 0); after a quiet spell, the count of the
     *         first poll that finds any within the window; else {@link SelectStrategy#SELECT}: sleep
     *         in epoll_wait
     */
    @Override
    public int calculateStrategy(IntSupplier pollNow, boolean hasTasks) throws Exception {
        if (hasTasks) {
            return pollNow.get();
        }
        long start = nanoClock.getAsLong();
        if (sleptSincePolling && start - sleptAt >= windowNanos) {
            sleptSincePolling = false;
            do {
                int ready = pollNow.get();
                if (ready > 0) {
                    return ready;
                }
            } while (nanoClock.getAsLong() - start < windowNanos);
        }
        sleptSincePolling = true;
        sleptAt = nanoClock.getAsLong();
        return SelectStrategy.SELECT;
    }
}
