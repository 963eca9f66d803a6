package espgw.lab;

import static espgw.linux.host.BlockingIo.THREAD_PER_TASK;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * tcpdump on one interface of a lab namespace, writing a pcap file. {@link #close()} stops it with
 * SIGTERM (by PID, so only this capture) and waits until the file is complete.
 */
public final class WireCapture implements AutoCloseable {
    private final Process tcpdump;
    private final Path file;

    private WireCapture(Process tcpdump, Path file) {
        this.tcpdump = tcpdump;
        this.file = file;
    }

    /**
     * Starts capturing and returns once tcpdump says it is listening. Immediate mode: otherwise
     * libpcap (TPACKET_V3) hands packets over in blocks, and the frames of a capture shorter than the
     * block timeout are still in an unfinished block when SIGTERM ends tcpdump, so they are lost.
     */
    public static WireCapture start(String namespace, String device, Path file) throws IOException {
        Process p = new ProcessBuilder("ip", "netns", "exec", namespace,
                "tcpdump", "-i", device, "-n", "-U", "--immediate-mode", "-s", "0", "-w", file.toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> listening = CompletableFuture.supplyAsync(() -> {
            StringBuilder seen = new StringBuilder();
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    seen.append(line).append('\n');
                    if (line.contains("listening on")) {
                        return null;
                    }
                }
            } catch (IOException e) {
                seen.append(e.getMessage());
            }
            return seen.toString();
        }, THREAD_PER_TASK);
        try {
            String failure = listening.get(10, TimeUnit.SECONDS);
            if (failure != null) {
                throw new IOException("tcpdump on " + device + " in " + namespace + " did not start: " + failure.trim());
            }
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            p.destroyForcibly();
            throw new IOException("tcpdump on " + device + " in " + namespace + " did not start in 10 s", e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting tcpdump", e);
        }
        return new WireCapture(p, file);
    }

    public Path file() {
        return file;
    }

    @Override
    public void close() {
        tcpdump.destroy(); // SIGTERM: tcpdump flushes and closes the file
        try {
            if (!tcpdump.waitFor(10, TimeUnit.SECONDS)) {
                tcpdump.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            tcpdump.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
