package espgw.linux.epoll;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategy;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.IntSupplier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BusyPollStrategyTest {
    private static final long WINDOW_NANOS = 1_000_000;
    /** Each poll takes 100 µs on the test's clock, so a window holds ten. */
    private static final long POLL_NANOS = 100_000;

    private final AtomicLong now = new AtomicLong(42);
    private final BusyPollStrategy strategy = new BusyPollStrategy(WINDOW_NANOS, now::get);
    private final AtomicInteger polls = new AtomicInteger();
    private final EmbeddedChannel packetChannel = new EmbeddedChannel(strategy.packetWatch());

    /** epoll that reports {@code ready} fds from the {@code onPoll}-th poll on, none before. */
    private IntSupplier epollReadyFrom(int onPoll, int ready) {
        return epollReadyFrom(polls, onPoll, ready);
    }

    private IntSupplier epollReadyFrom(AtomicInteger counter, int onPoll, int ready) {
        return () -> {
            now.addAndGet(POLL_NANOS);
            return counter.incrementAndGet() >= onPoll ? ready : 0;
        };
    }

    private IntSupplier neverReady(AtomicInteger counter) {
        return epollReadyFrom(counter, Integer.MAX_VALUE, 1);
    }

    /** The loop goes to sleep (after a window, if it polls one), and {@code nanos} later has handled packets. */
    private void sleepAndWork(long nanos) throws Exception {
        assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(neverReady(new AtomicInteger()), false));
        now.addAndGet(nanos);
        packetsArrive();
        polls.set(0);
    }

    /** What a packet channel's read does at the end of its batch, through the strategy's handler. */
    private void packetsArrive() {
        packetChannel.pipeline().fireChannelReadComplete();
    }

    @Test
    void whatArrivesWithinTheWindowAfterAQuietSpellIsHandledWithoutSleeping() throws Exception {
        sleepAndWork(10 * WINDOW_NANOS);
        assertEquals(2, strategy.calculateStrategy(epollReadyFrom(4, 2), false));
        assertEquals(4, polls.get());
    }

    @Test
    void aWindowWithNothingReadyEndsInSleep() throws Exception {
        sleepAndWork(10 * WINDOW_NANOS);
        assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(epollReadyFrom(Integer.MAX_VALUE, 1), false));
        assertEquals(10, polls.get(), "polled until the window of 1 ms had passed on the clock");
    }

    @Test
    void afterAQuietSpellTheLoopStaysAwakeForTheWindowThenSleepsWhenIdleUntilQuietAgain() throws Exception {
        sleepAndWork(10 * WINDOW_NANOS);
        assertEquals(1, strategy.calculateStrategy(epollReadyFrom(3, 1), false), "the reply, 300 µs on");
        now.addAndGet(2 * POLL_NANOS); // handling it
        AtomicInteger restOfWindow = new AtomicInteger();
        assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(neverReady(restOfWindow), false));
        assertEquals(5, restOfWindow.get(), "polled the 500 µs left of the window");

        now.addAndGet(WINDOW_NANOS / 10); // woken again soon: no quiet spell
        packetsArrive();
        AtomicInteger afterShortSleep = new AtomicInteger();
        assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(neverReady(afterShortSleep), false));
        assertEquals(0, afterShortSleep.get());

        now.addAndGet(10 * WINDOW_NANOS);
        packetsArrive();
        assertEquals(1, strategy.calculateStrategy(epollReadyFrom(1, 1), false), "awake again after a quiet spell");
    }

    @Test
    void steadyTrafficWhoseGapsAreShorterThanTheWindowNeverMakesItPoll() throws Exception {
        for (int i = 0; i < 5; i++) {
            sleepAndWork(WINDOW_NANOS / 2);
            AtomicInteger busyPolls = new AtomicInteger();
            assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(neverReady(busyPolls), false));
            assertEquals(0, busyPolls.get());
        }
    }

    @Test
    void aWindowLastsAsLongAsATenthOfTheTimeSinceTheLastOneEnded() throws Exception {
        sleepAndWork(10 * WINDOW_NANOS);
        AtomicInteger fullWindow = new AtomicInteger();
        assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(neverReady(fullWindow), false));
        assertEquals(10, fullWindow.get());

        now.addAndGet(5 * WINDOW_NANOS);
        packetsArrive();
        AtomicInteger halfWindow = new AtomicInteger();
        assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(neverReady(halfWindow), false));
        assertEquals(5, halfWindow.get(), "500 µs earned in the 5 ms since the last window");
    }

    @Test
    void packetsAFewWindowsApartMakeItPollAtMostATenthOfTheTime() throws Exception {
        long start = now.get();
        AtomicInteger busyPolls = new AtomicInteger();
        for (int packet = 0; packet < 100; packet++) {
            now.addAndGet(2 * WINDOW_NANOS);
            packetsArrive();
            assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(neverReady(busyPolls), false));
        }
        long polledNanos = busyPolls.get() * POLL_NANOS;
        long elapsedNanos = now.get() - start;
        assertTrue(polledNanos > 0, "polled at all");
        assertTrue(polledNanos <= elapsedNanos / BusyPollStrategy.POLL_SHARE + WINDOW_NANOS,
                "polled " + polledNanos + " ns of " + elapsedNanos);
    }

    @Test
    void waitingTasksRunAfterOnePoll() throws Exception {
        sleepAndWork(10 * WINDOW_NANOS);
        assertEquals(0, strategy.calculateStrategy(epollReadyFrom(Integer.MAX_VALUE, 1), true));
        assertEquals(1, polls.get());
        assertEquals(3, strategy.calculateStrategy(epollReadyFrom(2, 3), true));
    }

    @Test
    void aWakeupWithoutPacketsAfterAQuietSpellSleepsAgainAtOnce() throws Exception {
        assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(neverReady(new AtomicInteger()), false));
        now.addAndGet(10 * WINDOW_NANOS); // the loop's own timer, say
        AtomicInteger afterTimer = new AtomicInteger();
        assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(neverReady(afterTimer), false));
        assertEquals(0, afterTimer.get());
    }

    @Test
    void theWatchPassesTheEndOfABatchOn() {
        AtomicInteger seen = new AtomicInteger();
        EmbeddedChannel channel = new EmbeddedChannel(strategy.packetWatch(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                seen.incrementAndGet();
            }
        });
        channel.pipeline().fireChannelReadComplete();
        assertEquals(1, seen.get());
    }

    @Test
    void aWindowIsAtLeastAMicrosecondAndTheStrategyServesOneLoop() {
        assertThrows(IllegalArgumentException.class, () -> new BusyPollStrategy(0));
        SelectStrategyFactory factory = new BusyPollStrategy(1).forOneLoop();
        assertNotNull(factory.newSelectStrategy());
        assertThrows(IllegalStateException.class, factory::newSelectStrategy);
    }

    @Test
    void anEpollLoopThatBusyPollsStillRunsWhatOtherThreadsSubmitAndItsTimers() throws Exception {
        SelectStrategyFactory busyPolling = new BusyPollStrategy(500).forOneLoop();
        var loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory(0, busyPolling));
        try {
            for (int i = 0; i < 100; i++) {
                assertEquals(i, loop.submit(() -> polls.getAndIncrement()).get(5, SECONDS));
            }
            assertEquals("fired", loop.schedule(() -> "fired", 5, MILLISECONDS).get(5, SECONDS));
        } finally {
            loop.shutdownGracefully(0, 5, SECONDS).syncUninterruptibly();
        }
    }
}
