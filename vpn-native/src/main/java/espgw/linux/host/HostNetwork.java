package espgw.linux.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host network changes of one running instance, each journaled before it is made (see the
 * package documentation). {@link #open} locks the instance and first undoes a journal left by a
 * dead predecessor; {@link #close} undoes everything this instance added and unlocks it;
 * {@link #down} does the same for an instance whose process is gone. Not thread-safe: one control
 * thread makes the changes. Keep the object reachable until {@link #close}: the JVM closes the
 * files of a collected object, and that would release the instance lock.
 */
public final class HostNetwork implements AutoCloseable {
    public static final String DEFAULT_STATE_DIR = "/run/espgw";
    /** The instance {@code espgw up} and {@code espgw down} use unless told otherwise. */
    public static final String DEFAULT_INSTANCE = "espgw";
    /** The one nftables table espgw owns, in family {@code ip}. */
    public static final String NFT_TABLE = "espgw";

    /**
     * What iproute2 and nft print when the object to remove does not exist (ESRCH for routes,
     * ENOENT for rules and nft tables, EADDRNOTAVAIL for addresses, a missing link for all).
     */
    private static final List<String> ALREADY_GONE = List.of(
            "no such process", "no such file or directory", "cannot find device",
            "cannot assign requested address");

    private static final Logger LOG = LoggerFactory.getLogger(HostNetwork.class);

    private final String instance;
    private final InstanceLock lock;
    private final Journal journal;
    private final CommandRunner runner;
    private final List<UndoneChange> staleChangesUndone;
    private boolean nftTableCreated;
    private boolean closed;

    private HostNetwork(String instance, InstanceLock lock, Journal journal, CommandRunner runner,
            List<UndoneChange> staleChangesUndone) {
        this.instance = instance;
        this.lock = lock;
        this.journal = journal;
        this.runner = runner;
        this.staleChangesUndone = staleChangesUndone;
    }

    public static HostNetwork open(String instance, Path stateDir) throws IOException {
        return open(instance, stateDir, new ProcessCommandRunner());
    }

    /**
     * Locks {@code instance}, undoes the journal of a previous process of it if one is left, and
     * starts a new journal.
     *
     * @throws HostNetworkException "instance X is already running (pid N)", or a failed undo
     */
    public static HostNetwork open(String instance, Path stateDir, CommandRunner runner) throws IOException {
        Path journalFile = journalFile(stateDir, instance);
        InstanceLock lock = InstanceLock.acquire(stateDir, instance);
        try {
            List<UndoneChange> stale = undoJournal(journalFile, runner);
            stale.forEach(change -> LOG.info("instance {}: left by a previous run, {}", instance, change));
            return new HostNetwork(instance, lock, Journal.create(journalFile), runner, stale);
        } catch (IOException | RuntimeException e) {
            try {
                lock.close();
            } catch (IOException closeFailed) {
                e.addSuppressed(closeFailed);
            }
            throw e;
        }
    }

    /**
     * {@code espgw down}: undoes what a stopped or killed instance left, newest change first, and
     * returns what it undid (empty when there was no journal). Re-running it is a no-op.
     *
     * @throws HostNetworkException when the instance is running, or some changes could not be
     *     undone (they stay in the journal for the next try)
     */
    public static List<UndoneChange> down(String instance, Path stateDir, CommandRunner runner) throws IOException {
        try (InstanceLock ignored = InstanceLock.acquire(stateDir, instance)) {
            return undoJournal(journalFile(stateDir, instance), runner);
        }
    }

    public static Path journalFile(Path stateDir, String instance) {
        return stateDir.resolve(instance + ".journal");
    }

    /** What {@link #open} undid from a journal a dead process of this instance left behind. */
    public List<UndoneChange> staleChangesUndone() {
        return staleChangesUndone;
    }

    /** {@code ip link add NAME type TYPE}; deleting the link also removes its addresses and routes. */
    public void addLink(String name, String type) throws IOException {
        apply("link " + name + " (" + type + ")",
                Command.of("ip", "link", "add", name, "type", type),
                List.of("ip", "link", "del", name));
    }

    public void setLinkUp(String name) throws IOException {
        apply("link " + name + " up",
                Command.of("ip", "link", "set", name, "up"),
                List.of("ip", "link", "set", name, "down"));
    }

    /** {@code ip -4 addr add CIDR dev DEVICE}. */
    public void addAddress(String cidr, String device) throws IOException {
        apply("address " + cidr + " on " + device,
                Command.of("ip", "-4", "addr", "add", cidr, "dev", device),
                List.of("ip", "-4", "addr", "del", cidr, "dev", device));
    }

    /** {@code ip -4 route add SPEC...}, e.g. {@code addRoute("10.8.0.0/16", "dev", "eg0", "table", "100")}. */
    public void addRoute(String... spec) throws IOException {
        apply("route " + String.join(" ", spec), ipCommand("route", "add", spec), ipCommand("route", "del", spec).argv());
    }

    /** {@code ip -4 rule add SPEC...}, e.g. {@code addRule("fwmark", "0x1", "lookup", "100", "priority", "100")}. */
    public void addRule(String... spec) throws IOException {
        apply("rule " + String.join(" ", spec), ipCommand("rule", "add", spec), ipCommand("rule", "del", spec).argv());
    }

    /** Sets a sysctl; undo writes back the value it had before. */
    public void setSysctl(String key, String value) throws IOException {
        Command read = Command.of("sysctl", "-n", key);
        CommandRunner.Result current = runner.run(read);
        if (!current.succeeded()) {
            throw HostNetworkException.commandFailed("reading sysctl " + key, read, current);
        }
        String previous = current.stdout().strip();
        apply("sysctl " + key + "=" + value + " (was " + previous + ")",
                Command.of("sysctl", "-w", key + "=" + value),
                List.of("sysctl", "-w", key + "=" + previous));
    }

    /**
     * Loads {@code body} (chains, sets, maps and their rules in nft syntax) into the table
     * {@code ip espgw} in one nft transaction. The first call creates the table and fails if it
     * already exists, since removing it on undo must not remove someone else's; later calls add
     * to it. Deleting the table on undo removes everything ever loaded.
     */
    public void loadNftTable(String body) throws IOException {
        String table = "table ip " + NFT_TABLE + " {\n" + body + "\n}\n";
        Command load = Command.of("nft", "-f", "-");
        if (nftTableCreated) {
            run("nftables table ip " + NFT_TABLE, load.withStdin(table));
            return;
        }
        apply("nftables table ip " + NFT_TABLE,
                load.withStdin("create table ip " + NFT_TABLE + "\n" + table),
                List.of("nft", "delete", "table", "ip", NFT_TABLE));
        nftTableCreated = true;
    }

    /** Undoes every change of this instance, newest first, removes its journal and unlocks it. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            journal.close();
            undoJournal(journal.file(), runner)
                    .forEach(change -> LOG.info("instance {} stopping: {}", instance, change));
        } finally {
            lock.close();
        }
    }

    /**
     * Write-ahead: journal the reversal, fsync, then change. A change the kernel refused (non-zero
     * exit) leaves no entry; one whose outcome is unknown (timeout) keeps it, undo copes either way.
     */
    private void apply(String description, Command change, List<String> undo) throws IOException {
        journal.append(new JournalEntry(description, undo));
        CommandRunner.Result result = runner.run(change);
        if (!result.succeeded()) {
            journal.dropLast();
            throw failed(description, change, result);
        }
    }

    private void run(String description, Command command) throws IOException {
        CommandRunner.Result result = runner.run(command);
        if (!result.succeeded()) {
            throw failed(description, command, result);
        }
    }

    private HostNetworkException failed(String description, Command command, CommandRunner.Result result) {
        return HostNetworkException.commandFailed("instance " + instance + ": adding " + description, command, result);
    }

    private static Command ipCommand(String object, String verb, String... spec) {
        List<String> argv = new ArrayList<>(List.of("ip", "-4", object, verb));
        argv.addAll(List.of(spec));
        return Command.of(argv);
    }

    /**
     * Runs the reversals of {@code journalFile} newest first. Entries already gone count as done;
     * a real failure does not stop the others, and the failed entries are kept in the journal.
     */
    static List<UndoneChange> undoJournal(Path journalFile, CommandRunner runner) throws IOException {
        List<UndoneChange> undone = new ArrayList<>();
        if (!Files.exists(journalFile)) {
            return undone;
        }
        List<JournalEntry> entries = Journal.read(journalFile);
        List<JournalEntry> failed = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (int i = entries.size() - 1; i >= 0; i--) {
            JournalEntry entry = entries.get(i);
            Command command = Command.of(entry.undo());
            try {
                CommandRunner.Result result = runner.run(command);
                if (result.succeeded() || isAlreadyGone(result)) {
                    undone.add(new UndoneChange(entry.description(), result.succeeded()));
                    continue;
                }
                errors.add(HostNetworkException.commandFailed("undoing " + entry.description(), command, result)
                        .getMessage());
            } catch (IOException e) {
                errors.add("undoing " + entry.description() + ": " + e.getMessage());
            }
            failed.add(0, entry);
        }
        if (failed.isEmpty()) {
            Journal.delete(journalFile);
            return undone;
        }
        Journal.rewrite(journalFile, failed);
        throw new HostNetworkException(failed.size() + " change(s) could not be undone and stay in "
                + journalFile + " for the next 'espgw down': " + String.join("; ", errors));
    }

    private static boolean isAlreadyGone(CommandRunner.Result result) {
        if (result.exitCode() == ProcessCommandRunner.EXIT_NOT_STARTED) {
            return false; // "No such file or directory" here means a missing tool, not a missing object
        }
        String stderr = result.stderr().toLowerCase(Locale.ROOT);
        return ALREADY_GONE.stream().anyMatch(stderr::contains);
    }
}
