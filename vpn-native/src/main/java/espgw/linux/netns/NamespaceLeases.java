package espgw.linux.netns;

import espgw.linux.host.Command;
import espgw.linux.host.CommandRunner;
import espgw.linux.host.ProcessCommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Which process created which network namespace, one file per process under {@link #DIRECTORY}
 * (named by its PID and start time, so a reused PID is not mistaken for it). A process that is
 * killed (SIGKILL, a CI timeout) cannot remove its namespaces; the next process to take a lease
 * removes those of every owner that is gone, with the processes still running in them (a killed
 * lab's gateways). Used by the namespace labs (demo and tests).
 */
public final class NamespaceLeases {
    /** On tmpfs: namespaces do not survive a reboot, and neither do their leases. */
    public static final Path DIRECTORY = Path.of("/run/espgw-netns");

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Path file;

    private NamespaceLeases(Path file) {
        this.file = file;
    }

    /**
     * This process's leases in {@link #DIRECTORY}, one for every lab in it (they share the file). The
     * first call ends the processes in and deletes the namespaces of owners that are gone.
     */
    public static NamespaceLeases ofThisProcess() {
        return OfThisProcess.LEASES;
    }

    private static final class OfThisProcess {
        static final NamespaceLeases LEASES = open(DIRECTORY,
                ns -> System.err.println("removed namespace " + ns + ", left by a lab whose process is gone"));
    }

    /** Each namespace removed is passed to {@code removed}. */
    static NamespaceLeases open(Path directory, Consumer<String> removed) {
        CommandRunner commands = new ProcessCommandRunner(COMMAND_TIMEOUT);
        return open(directory, namespace -> remove(commands, namespace), removed);
    }

    static NamespaceLeases open(Path directory, Consumer<String> deleteNamespace, Consumer<String> removed) {
        try {
            Files.createDirectories(directory);
            removeAbandoned(directory, deleteNamespace, removed);
        } catch (IOException e) {
            throw new UncheckedIOException("namespace leases in " + directory, e);
        }
        return new NamespaceLeases(directory.resolve(ownerName(ProcessHandle.current())));
    }

    /** Records that this process created {@code namespace}; call before anything can fail. */
    public synchronized void taken(String namespace) {
        try {
            Files.writeString(file, namespace + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("recording namespace lease in " + file, e);
        }
    }

    /** Records that {@code namespace} is deleted; the file goes with the last lease. */
    public synchronized void released(String namespace) {
        try {
            List<String> left = new ArrayList<>(Files.readAllLines(file));
            left.remove(namespace);
            if (left.isEmpty()) {
                Files.deleteIfExists(file);
            } else {
                Files.write(file, left);
            }
        } catch (NoSuchFileException e) {
            // nothing was leased
        } catch (IOException e) {
            throw new UncheckedIOException("releasing namespace lease in " + file, e);
        }
    }

    private static void removeAbandoned(Path directory, Consumer<String> deleteNamespace, Consumer<String> removed)
            throws IOException {
        try (DirectoryStream<Path> leases = Files.newDirectoryStream(directory)) {
            for (Path lease : leases) {
                if (ownerAlive(lease.getFileName().toString())) {
                    continue;
                }
                List<String> namespaces;
                try {
                    namespaces = Files.readAllLines(lease);
                } catch (NoSuchFileException e) {
                    continue; // another process swept it first
                }
                for (String namespace : namespaces) {
                    if (!namespace.isBlank()) {
                        deleteNamespace.accept(namespace);
                        removed.accept(namespace);
                    }
                }
                Files.deleteIfExists(lease);
            }
        }
    }

    /** Ends what runs in {@code namespace} (nothing else started it but the lab that leased it), then deletes it. */
    private static void remove(CommandRunner commands, String namespace) {
        try {
            CommandRunner.Result pids = commands.run(Command.of("ip", "netns", "pids", namespace));
            for (String pid : pids.stdout().split("\\s+")) {
                if (!pid.isEmpty()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(NamespaceLeases::kill);
                }
            }
            commands.run(Command.of("ip", "netns", "del", namespace));
        } catch (IOException e) {
            throw new UncheckedIOException("removing abandoned namespace " + namespace, e);
        }
    }

    private static void kill(ProcessHandle process) {
        process.destroyForcibly();
        try {
            process.onExit().get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // deleting the name still works; the namespace goes when its last process does
        }
    }

    static String ownerName(ProcessHandle owner) {
        return owner.pid() + "-" + owner.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /** True unless the named owner is gone (no such PID, or the PID now belongs to a later process). */
    private static boolean ownerAlive(String name) {
        int dash = name.indexOf('-');
        try {
            Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(name.substring(0, dash)));
            return process.isPresent() && ownerName(process.get()).equals(name);
        } catch (RuntimeException e) {
            return true; // not a lease file: leave it alone
        }
    }
}
