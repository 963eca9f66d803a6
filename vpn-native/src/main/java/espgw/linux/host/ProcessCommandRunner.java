package espgw.linux.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs commands as child processes of this JVM, in this process's network namespace. Both
 * outputs are drained on their own threads so a chatty command cannot block on a full pipe; a
 * command that outlives the timeout is killed (SIGKILL) and reported as an exception, since
 * whether it made its change is unknown. A command that cannot be started (not installed) is a
 * result with exit code {@value #EXIT_NOT_STARTED}: it certainly changed nothing.
 */
public final class ProcessCommandRunner implements CommandRunner {
    /** iproute2 and nft answer in milliseconds; seconds mean a wedged kernel or a lock wait. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private final Duration timeout;

    public ProcessCommandRunner() {
        this(DEFAULT_TIMEOUT);
    }

    public ProcessCommandRunner(Duration timeout) {
        this.timeout = timeout;
    }

    /** Like a shell's "command not found": the command could not be started, so it changed nothing. */
    public static final int EXIT_NOT_STARTED = 127;

    @Override
    public Result run(Command command) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command.argv()).start();
        } catch (IOException e) {
            return new Result(EXIT_NOT_STARTED, "", "could not start '" + command.argv().get(0)
                    + "' (is it installed and on the PATH?): " + e.getMessage());
        }
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()),
                BlockingIo.THREAD_PER_TASK);
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()),
                BlockingIo.THREAD_PER_TASK);
        try (OutputStream in = process.getOutputStream()) {
            if (command.stdin() != null) {
                in.write(command.stdin().getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException("'" + command + "' did not finish within " + timeout.toSeconds()
                        + " s and was killed");
            }
            return new Result(process.exitValue(), stdout.get(5, TimeUnit.SECONDS), stderr.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running '" + command + "'", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("could not read the output of '" + command + "'", e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
