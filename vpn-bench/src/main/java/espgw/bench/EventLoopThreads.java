package espgw.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * JMH's benchmark threads as {@link FastThreadLocalThread}s, the kind of thread the daemon's event
 * loops run the data path on. Netty 4.2 recycles pooled {@code ByteBuf} objects only on such a
 * thread; on JMH's plain threads every allocation is a new ~170 B object that the daemon never
 * makes, which {@code -prof gc} would count as the data path's. A benchmark opts in with
 * {@link #EXECUTOR} and {@link #EXECUTOR_CLASS} in its fork's JVM arguments (JMH's {@code CUSTOM}
 * executor calls the {@code (int, String)} constructor).
 */
public final class EventLoopThreads extends ThreadPoolExecutor {
    static final String EXECUTOR = "-Djmh.executor=CUSTOM";
    static final String EXECUTOR_CLASS = "-Djmh.executor.class=espgw.bench.EventLoopThreads";

    public EventLoopThreads(int threads, String prefix) {
        super(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), new Factory(prefix));
    }

    /** One read as an event loop delivers it: {@code writeInbound}'s varargs array would count as the data path's. */
    static void read(EmbeddedChannel channel, ByteBuf packet) {
        channel.pipeline().fireChannelRead(packet).fireChannelReadComplete();
        channel.checkException();
    }

    private static final class Factory implements ThreadFactory {
        private final String prefix;
        private final AtomicInteger count = new AtomicInteger();

        Factory(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new FastThreadLocalThread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
