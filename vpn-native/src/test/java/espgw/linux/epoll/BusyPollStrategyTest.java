package espgw.linux.epoll;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategy;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.IntSupplier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BusyPollStrategyTest {
    private static final long WINDOW_NANOS = 1_000_000;

    /** A clock that moves 100 µs each time it is read, so the window ends after ten readings. */
    private final AtomicLong now = new AtomicLong(42);
    private final BusyPollStrategy strategy =
            new BusyPollStrategy(WINDOW_NANOS, () -> now.getAndAdd(100_000));
    private final AtomicInteger polls = new AtomicInteger();

    /** epoll that reports {@code ready} fds from its {@code onPoll}-th poll on, none before. */
    private IntSupplier epollReadyFrom(int onPoll, int ready) {
        return () -> polls.incrementAndGet() >= onPoll ? ready : 0;
    }

    @Test
    void whatArrivesWithinTheWindowIsHandledWithoutSleeping() throws Exception {
        assertEquals(2, strategy.calculateStrategy(epollReadyFrom(4, 2), false));
        assertEquals(4, polls.get());
    }

    @Test
    void aWindowWithNothingReadyEndsInSleep() throws Exception {
        assertEquals(SelectStrategy.SELECT, strategy.calculateStrategy(epollReadyFrom(Integer.MAX_VALUE, 1), false));
        assertEquals(10, polls.get(), "polled until the window of 1 ms had passed on the clock");
    }

    @Test
    void waitingTasksRunAfterOnePoll() throws Exception {
        assertEquals(0, strategy.calculateStrategy(epollReadyFrom(Integer.MAX_VALUE, 1), true));
        assertEquals(1, polls.get());
        assertEquals(3, strategy.calculateStrategy(epollReadyFrom(2, 3), true));
    }

    @Test
    void noWindowIsNettysOwnStrategy() {
        assertSame(DefaultSelectStrategyFactory.INSTANCE, BusyPollStrategy.factory(0));
        assertThrows(IllegalArgumentException.class, () -> BusyPollStrategy.factory(-1));
    }

    @Test
    void anEpollLoopThatBusyPollsStillRunsWhatOtherThreadsSubmitAndItsTimers() throws Exception {
        MultiThreadIoEventLoopGroup loop =
                new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory(0, BusyPollStrategy.factory(500)));
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
