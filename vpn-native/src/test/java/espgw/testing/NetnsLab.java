package espgw.testing;

import static espgw.linux.host.BlockingIo.THREAD_PER_TASK;

import espgw.linux.netns.NamespaceLeases;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test hosts in network namespaces this test creates, joined by veth pairs made directly inside
 * them (nothing is ever added to the host's own namespace). Names are unique per JVM and test, every
 * command has a time limit, and {@link #close()} ends the processes it started (by PID) and deletes
 * its namespaces, also after a failure.
 */
public final class NetnsLab implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final long DEFAULT_TIMEOUT_SECONDS = 60;
    private static final long LINK_UP_TIMEOUT_SECONDS = 10;

    private final String prefix;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    public NetnsLab() {
        this("eg");
    }

    /** A lab whose namespace names start with {@code tag}, so each suite's namespaces are told apart. */
    public NetnsLab(String tag) {
        Privileges.requireNetnsLab();
        this.prefix = tag + ProcessHandle.current().pid() % 100000 + "x" + SEQUENCE.incrementAndGet();
    }

    /** Creates namespace {@code <prefix>-<suffix>} with loopback up, and returns its full name. */
    public String namespace(String suffix) {
        String name = prefix + "-" + suffix;
        NamespaceLeases.ofThisProcess().taken(name);
        run("ip", "netns", "add", name);
        namespaces.add(name);
        exec(name, "ip", "link", "set", "lo", "up");
        return name;
    }

    /** A veth pair between two namespaces, each end addressed (CIDR) and up. */
    public void veth(String nsA, String ifA, String cidrA, String nsB, String ifB, String cidrB) {
        run("ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB);
        if (cidrA != null) {
            exec(nsA, "ip", "addr", "add", cidrA, "dev", ifA);
        }
        if (cidrB != null) {
            exec(nsB, "ip", "addr", "add", cidrB, "dev", ifB);
        }
        exec(nsA, "ip", "link", "set", ifA, "up");
        exec(nsB, "ip", "link", "set", ifB, "up");
        awaitActive(nsA, ifA);
        awaitActive(nsB, ifB);
    }

    /**
     * Waits until the kernel's link watch has activated {@code device}: its state is UP and its
     * queueing discipline no longer "noop", which drops every packet sent through it without an
     * error. On a busy machine that work lags "ip link set up" (a lost first datagram made a channel
     * test fail under load).
     */
    private void awaitActive(String ns, String device) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LINK_UP_TIMEOUT_SECONDS);
        String link = exec(ns, "ip", "-o", "link", "show", "dev", device);
        while (!link.contains(" state UP ") || link.contains(" qdisc noop ")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(device + " in " + ns + " not active after " + LINK_UP_TIMEOUT_SECONDS
                        + " s: " + link);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + device + " in " + ns, e);
            }
            link = exec(ns, "ip", "-o", "link", "show", "dev", device);
        }
    }

    /** Runs a command inside {@code ns}; fails the test on a non-zero exit. Returns stdout. */
    public String exec(String ns, String... command) {
        return run(inNamespace(ns, command));
    }

    /** Like {@link #exec} but returns the result whatever the exit code. */
    public Result tryExec(String ns, long timeoutSeconds, String... command) {
        return execute(timeoutSeconds, inNamespace(ns, command));
    }

    /** Starts a long-running command inside {@code ns}; it is ended by {@link #close()}. */
    public Process spawn(String ns, String... command) {
        try {
            Process p = new ProcessBuilder(inNamespace(ns, command)).redirectErrorStream(true).start();
            processes.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String run(String... command) {
        Result r = execute(DEFAULT_TIMEOUT_SECONDS, command);
        if (r.exitCode != 0) {
            throw new AssertionError("command failed (exit " + r.exitCode + "): " + String.join(" ", command)
                    + "\n" + r.output);
        }
        return r.output;
    }

    public static Result execute(long timeoutSeconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()),
                    THREAD_PER_TASK);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + out.getNow(""));
            }
            return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("running " + Arrays.toString(command), e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String[] inNamespace(String ns, String... command) {
        String[] full = new String[command.length + 4];
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = ns;
        System.arraycopy(command, 0, full, 4, command.length);
        return full;
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String ns : namespaces) {
            if (execute(DEFAULT_TIMEOUT_SECONDS, "ip", "netns", "del", ns).exitCode() == 0) {
                NamespaceLeases.ofThisProcess().released(ns);
            }
        }
    }

    public record Result(int exitCode, String output) {
    }
}
