package espgw.linux.epoll;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.util.IntSupplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * How an epoll event loop waits once its work is done. When packets wake it from a quiet spell (it
 * went to sleep at least a window ago), typically a lone packet, it stays awake for the window: it
 * handles what comes, and in between asks epoll without blocking (a zero timeout) instead of
 * sleeping, so that a reply finds the thread running and its caches warm instead of a thread to
 * wake and code and data to fetch from memory again. Then it sleeps whenever it has nothing to do
 * until it has slept a window's worth again, so steady traffic, whose gaps are short, never makes
 * it spin and take CPU from the applications beside it. Only packets start a window, as
 * {@link #packetWatch()} reports them, never the loop's own timers: an idle loop never polls.
 *
 * <p>The price is CPU, and it is capped: a window lasts only as long as the polling time earned
 * since the last one ended, a tenth ({@code 1 / POLL_SHARE}) of the time that has passed, at most
 * the configured window. So a loop polls at most a tenth of its time whatever the traffic: a lone
 * packet now and then gets the whole window, packets a few windows apart get shorter ones. While
 * the loop polls, other threads do not wake it, so their tasks and timers that fall due wait until
 * the window ends, at most the window.
 *
 * <p>Not thread-safe: one instance serves one event loop, and its pipelines' {@link #packetWatch()}.
 */
public final class BusyPollStrategy implements SelectStrategy {
    /** A loop polls at most 1 / this of its time. */
    static final int POLL_SHARE = 10;

    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final ChannelHandler packetWatch = new PacketWatch(this);
    private final AtomicBoolean servesALoop = new AtomicBoolean();
    private long sleptAt;
    /** When the last window ended (or ends): polling time is earned from then on. */
    private long awakeUntil;
    private boolean packetsSinceSleep;

    /** @param micros the window, in µs (at least 1) */
    public BusyPollStrategy(int micros) {
        this(windowNanos(micros), System::nanoTime);
    }

    BusyPollStrategy(long windowNanos, LongSupplier nanoClock) {
        this.windowNanos = windowNanos;
        this.nanoClock = nanoClock;
        this.sleptAt = nanoClock.getAsLong() - windowNanos;
        this.awakeUntil = sleptAt - windowNanos * POLL_SHARE; // a whole window earned
    }

    private static long windowNanos(int micros) {
        if (micros <= 0) {
            throw new IllegalArgumentException("a busy-poll window of " + micros + " µs");
        }
        return TimeUnit.MICROSECONDS.toNanos(micros);
    }

    /** For a group of one event loop: the second loop asking for a strategy gets an exception. */
    public SelectStrategyFactory forOneLoop() {
        return () -> {
            if (servesALoop.getAndSet(true)) {
                throw new IllegalStateException("a BusyPollStrategy serves one event loop");
            }
            return this;
        };
    }

    /** First in a packet channel's pipeline (sharable): tells this strategy that packets arrived. */
    public ChannelHandler packetWatch() {
        return packetWatch;
    }

    /**
     * @param pollNow epoll_wait with a zero timeout: how many fds are ready, their events kept for
     *                the loop to handle
     * @return with tasks waiting, one poll's count (even 0); while awake after a quiet spell, the
     *         count of the first poll that finds any; else {@link SelectStrategy#SELECT}: sleep in
     *         epoll_wait
     */
    @Override
    public int calculateStrategy(IntSupplier pollNow, boolean hasTasks) throws Exception {
        if (hasTasks) {
            return pollNow.get();
        }
        long now = nanoClock.getAsLong();
        if (packetsSinceSleep && sleptAt - awakeUntil >= 0 && now - sleptAt >= windowNanos) {
            awakeUntil = now + Math.min(windowNanos, (now - awakeUntil) / POLL_SHARE);
        }
        while (awakeUntil - now > 0) {
            int ready = pollNow.get();
            if (ready > 0) {
                return ready;
            }
            now = nanoClock.getAsLong();
        }
        sleptAt = now;
        packetsSinceSleep = false;
        return SelectStrategy.SELECT;
    }

    @ChannelHandler.Sharable
    private static final class PacketWatch extends ChannelInboundHandlerAdapter {
        private final BusyPollStrategy strategy;

        PacketWatch(BusyPollStrategy strategy) {
            this.strategy = strategy;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            strategy.packetsSinceSleep = true;
            ctx.fireChannelReadComplete();
        }
    }
}
