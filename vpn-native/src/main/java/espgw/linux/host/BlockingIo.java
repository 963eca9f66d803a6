package espgw.linux.host;

import java.util.concurrent.Executor;

/**
 * Where blocking work runs (reading a process's output, accepting or reading a socket): on a
 * daemon thread of its own. Not on CompletableFuture's default executor: on a machine with two
 * CPUs, JDK 17 gives each task a thread, but JDK 25 runs them all on the common ForkJoinPool with
 * a single thread, so one read that blocks until a process ends holds up every other. (Seen: a
 * TCP receiver that did not start until a 30 s ping it waited behind had ended.)
 */
public final class BlockingIo {
    public static final Executor THREAD_PER_TASK = task -> {
        Thread thread = new Thread(task, "espgw-blocking-io");
        thread.setDaemon(true);
        thread.start();
    };

    private BlockingIo() {
    }
}
