package espgw.lab;

import static espgw.linux.host.BlockingIo.THREAD_PER_TASK;

import espgw.linux.netns.NamespaceLeases;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hosts in network namespaces that the lab creates and always removes: a LAN (a bridge in a
 * "switch" namespace, so any number of hosts share one subnet and one capture point), routers,
 * and espgw gateways started as child processes ({@code espgw up} under {@code ip netns exec}).
 * Nothing is ever added to the namespace the lab runs in; every command has a time limit; only
 * processes the lab started are ended, by PID. Used by the demo and by the scenario tests.
 */
public final class Lab implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final long COMMAND_TIMEOUT_SECONDS = 30;
    public static final String LAN_BRIDGE = "lan";

    private final String prefix;
    private final Path workDir;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Gateway> gateways = new CopyOnWriteArrayList<>();
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private String switchNamespace;
    private int links;

    /** A lab whose namespace names start with {@code name} (kept short: interface names are derived). */
    public Lab(String name, Path workDir) {
        this.prefix = name + ProcessHandle.current().pid() % 10000 + "x" + SEQUENCE.incrementAndGet();
        this.workDir = workDir;
    }

    public Path workDir() {
        return workDir;
    }

    /** A new host: a namespace with loopback up and IPv6 off (so captures hold only what the test sends). */
    public String host(String name) {
        String ns = prefix + "-" + name;
        NamespaceLeases.ofThisProcess().taken(ns);
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
        exec(ns, "ip", "link", "set", "lo", "up");
        exec(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
        exec(ns, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
        return ns;
    }

    /** The switch namespace holding the LAN bridge; made on first use. */
    public String lan() {
        if (switchNamespace == null) {
            switchNamespace = host("sw");
            exec(switchNamespace, "ip", "link", "add", LAN_BRIDGE, "type", "bridge");
            exec(switchNamespace, "ip", "link", "set", LAN_BRIDGE, "up");
        }
        return switchNamespace;
    }

    /** Plugs {@code ns} into the LAN with interface {@code device} and address {@code cidr}. */
    public void joinLan(String ns, String device, String cidr) {
        String sw = lan();
        String port = "p" + ++links;
        run("ip", "link", "add", device, "netns", ns, "type", "veth", "peer", "name", port, "netns", sw);
        exec(sw, "ip", "link", "set", port, "master", LAN_BRIDGE);
        exec(sw, "ip", "link", "set", port, "up");
        exec(ns, "ip", "addr", "add", cidr, "dev", device);
        exec(ns, "ip", "link", "set", device, "up");
    }

    /** A point-to-point link between two hosts. */
    public void link(String nsA, String devA, String cidrA, String nsB, String devB, String cidrB) {
        run("ip", "link", "add", devA, "netns", nsA, "type", "veth", "peer", "name", devB, "netns", nsB);
        exec(nsA, "ip", "addr", "add", cidrA, "dev", devA);
        exec(nsB, "ip", "addr", "add", cidrB, "dev", devB);
        exec(nsA, "ip", "link", "set", devA, "up");
        exec(nsB, "ip", "link", "set", devB, "up");
    }

    /** What the host's network looks like: compared before {@code up} and after {@code down}. */
    public String hostState(String ns) {
        return exec(ns, "ip", "-4", "addr") + exec(ns, "ip", "-4", "route", "show", "table", "all")
                + exec(ns, "ip", "-4", "rule") + exec(ns, "nft", "list", "ruleset");
    }

    /** Writes a gateway config into the lab's directory, with the lab's own state directories. */
    public Path config(String name, String yaml) {
        Path file = workDir.resolve(name + ".yaml");
        String withState = yaml + "state_dir: " + workDir.resolve("run") + "\n"
                + "sequence_dir: " + workDir.resolve("lib") + "\n";
        try {
            Files.writeString(file, withState);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Starts {@code espgw up -c config} in {@code ns} and waits until it says it is ready. */
    public Gateway startGateway(String ns, Path config, String... extraArguments) {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        command.addAll(javaCommand());
        command.addAll(List.of("up", "-c", config.toString()));
        command.addAll(List.of(extraArguments));
        Gateway gateway = new Gateway(ns, start(command));
        gateways.add(gateway);
        gateway.awaitReady();
        return gateway;
    }

    /** {@code espgw down} for an instance, inside {@code ns}, with the lab's state directory. */
    public String down(String ns, String instance) {
        Result result = espgw(ns, "down", "--instance", instance, "--state-dir", workDir.resolve("run").toString());
        if (result.exitCode() != 0) {
            throw new IllegalStateException("espgw down failed (exit " + result.exitCode() + "): " + result.output());
        }
        return result.output();
    }

    /** Runs an espgw command to completion inside {@code ns}. */
    public Result espgw(String ns, String... arguments) {
        List<String> command = new ArrayList<>(javaCommand());
        command.addAll(List.of(arguments));
        return tryExec(ns, command.toArray(String[]::new));
    }

    /** The espgw command line on this JVM's binary and class path (works from tests and from the jar). */
    private static List<String> javaCommand() {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        // As the espgw launcher runs it: JNA and Netty load native code; Netty uses sun.misc.Unsafe,
        // without which (JDK 24+ asks for the flag) it falls back to slower buffers, not what ships.
        if (Runtime.version().feature() >= 22) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "espgw.cli.EspgwCommand"));
        return command;
    }

    private static Process start(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a long-running command (a server, a capture) inside {@code ns}; ended by {@link #close()}. */
    public Process spawn(String ns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        Process p = start(full);
        processes.add(p);
        return p;
    }

    /** Runs a command inside {@code ns}; throws with its output on a non-zero exit. */
    public String exec(String ns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    /** Runs a command inside {@code ns} and returns exit code and output, whatever the exit code. */
    public Result tryExec(String ns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(command));
        return execute(full.toArray(String[]::new));
    }

    public static String run(String... command) {
        Result r = execute(command);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' failed (exit " + r.exitCode() + "): "
                    + r.output().strip());
        }
        return r.output();
    }

    public static Result execute(String... command) {
        Process p = start(List.of(command));
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()),
                THREAD_PER_TASK);
        try {
            if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, "timed out after " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), output.get(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        } catch (Exception e) {
            throw new IllegalStateException("running " + String.join(" ", command), e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops the gateways (SIGTERM, so they undo their changes) and removes every namespace. */
    @Override
    public void close() {
        for (Gateway gateway : gateways) {
            gateway.stop();
        }
        for (Process p : processes) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            if (execute("ip", "netns", "del", namespaces.get(i)).exitCode() == 0) {
                NamespaceLeases.ofThisProcess().released(namespaces.get(i));
            }
        }
    }

    public record Result(int exitCode, String output) {
    }

    /** A running {@code espgw up} child process and everything it printed. */
    public static final class Gateway {
        private static final long READY_TIMEOUT_SECONDS = 60;
        private final String namespace;
        private final Process process;
        private final StringBuffer output = new StringBuffer();
        private final CompletableFuture<Boolean> ready = new CompletableFuture<>();
        private final Thread reader;

        Gateway(String namespace, Process process) {
            this.namespace = namespace;
            this.process = process;
            this.reader = new Thread(this::readOutput, "espgw-output-" + process.pid());
            reader.setDaemon(true);
            reader.start();
        }

        private void readOutput() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.append(line).append('\n');
                    if (line.startsWith("espgw up: ready")) {
                        ready.complete(true);
                    }
                }
            } catch (IOException e) {
                output.append("(output: ").append(e.getMessage()).append(")\n");
            }
            ready.complete(false);
        }

        void awaitReady() {
            boolean up;
            try {
                up = ready.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (Exception e) {
                up = false;
            }
            if (!up) {
                process.destroyForcibly();
                throw new IllegalStateException("espgw up in " + namespace + " did not become ready:\n" + output);
            }
        }

        public String namespace() {
            return namespace;
        }

        public String output() {
            return output.toString();
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        /**
         * SIGTERM, as systemd or Ctrl-C would: the gateway undoes its host changes and exits. Signals
         * through the process handle, which, unlike {@link Process#destroy()}, leaves the output
         * stream open so everything the gateway printed on its way out is kept.
         */
        public int stop() {
            process.toHandle().destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.toHandle().destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
                reader.join(TimeUnit.SECONDS.toMillis(5));
                return process.exitValue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
                return -1;
            }
        }

        /** SIGKILL: the gateway gets no chance to clean up; {@code espgw down} has to. */
        public void kill() {
            process.toHandle().destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
