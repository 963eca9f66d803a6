package espgw.ike.testing;

import espgw.testing.NetnsLab;
import espgw.testing.Privileges;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A strongSwan charon (kernel-libipsec: ESP in userspace, always in UDP) running in a network
 * namespace of a {@link NetnsLab}, with everything in a private work directory: its
 * strongswan.conf, vici socket, log file, swanctl.conf and credentials. charon's pid file path
 * ({@code /run/charon.pid}) is compiled in, so /run is bound to the work directory inside the
 * namespace's own mount namespace, and several charons run side by side. {@link #close()} stops
 * charon by its PID (SIGTERM, then SIGKILL); the lab removes the namespace.
 */
public final class StrongSwan implements AutoCloseable {
    public static final Path CHARON = Path.of("/usr/lib/ipsec/charon");
    /** Loaded explicitly; '!' marks the ones whose absence must stop charon instead of going unnoticed. */
    private static final String PLUGINS = "random nonce openssl aes sha1 sha2 hmac gcm chapoly! curve25519! kdf pem"
            + " pkcs1 pkcs8 x509 pubkey socket-default kernel-libipsec! kernel-netlink vici!";
    /** Log levels per charon subsystem: {@code ike} and {@code chd} at 4 log every key (see ike/strongswan/README.md). */
    public static final Map<String, Integer> KEY_LOGGING = Map.of("ike", 4, "chd", 4);
    private static final long COMMAND_TIMEOUT_SECONDS = 30;
    private static final long START_TIMEOUT_MILLIS = 15_000;

    private final String namespace;
    private final Path dir;
    private final Process charon;

    private StrongSwan(String namespace, Path dir, Process charon) {
        this.namespace = namespace;
        this.dir = dir;
        this.charon = charon;
    }

    /** Skips (or in CI fails) the test when charon or swanctl is not installed. */
    public static void requireInstalled() {
        Privileges.requireNetnsLab();
        Privileges.requireExecutable(CHARON);
        Privileges.requireCommand("swanctl");
    }

    /**
     * Starts charon in {@code namespace} with {@code dir} as its work directory and waits for its vici
     * socket. {@code logLevels} maps subsystems (ike, chd, net, enc, cfg, knl, ...) to levels, the
     * rest log at 1, all into {@link #log()}.
     */
    public static StrongSwan start(NetnsLab lab, String namespace, Path dir, Map<String, Integer> logLevels)
            throws IOException, InterruptedException {
        return start(lab, namespace, dir, logLevels, Map.of());
    }

    /**
     * As {@link #start(NetnsLab, String, Path, Map)}, with {@code settings} added to strongswan.conf's
     * {@code charon} section, e.g. {@code signature_authentication = no} for a charon without RFC 7427.
     */
    public static StrongSwan start(NetnsLab lab, String namespace, Path dir, Map<String, Integer> logLevels,
            Map<String, String> settings) throws IOException, InterruptedException {
        requireInstalled();
        if (dir.toString().contains("'")) {
            throw new IllegalArgumentException("work directory must not contain a quote: " + dir);
        }
        Files.createDirectories(dir.resolve("run"));
        Path conf = dir.resolve("strongswan.conf");
        Files.writeString(conf, strongswanConf(dir, logLevels, settings));
        Process charon = lab.spawn(namespace, "env", "STRONGSWAN_CONF=" + conf, "sh", "-c",
                "mount --bind '" + dir.resolve("run") + "' /run && exec " + CHARON
                        + " >'" + dir.resolve("charon.out") + "' 2>&1");
        StrongSwan swan = new StrongSwan(namespace, dir, charon);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
        while (!Files.exists(swan.viciSocket())) {
            if (!charon.isAlive() || System.currentTimeMillis() > deadline) {
                swan.close();
                throw new AssertionError("charon did not start in " + namespace + ":\n" + swan.logTail(20)
                        + "\n" + readIfExists(dir.resolve("charon.out")));
            }
            Thread.sleep(100);
        }
        return swan;
    }

    static String strongswanConf(Path dir, Map<String, Integer> logLevels, Map<String, String> settings) {
        StringBuilder levels = new StringBuilder();
        new TreeMap<>(logLevels).forEach((subsystem, level) ->
                levels.append("      ").append(subsystem).append(" = ").append(level).append('\n'));
        StringBuilder extra = new StringBuilder();
        new TreeMap<>(settings).forEach((key, value) -> extra.append("  ").append(key).append(" = ").append(value)
                .append('\n'));
        return "charon {\n"
                + extra
                + "  load_modular = no\n"
                + "  load = " + PLUGINS + "\n"
                + "  install_routes = yes\n"
                + "  filelog {\n"
                + "    charon {\n"
                + "      path = " + dir.resolve("charon.log") + "\n"
                + "      time_format = %s\n"
                // Line-buffered, so that a test reading the log mid-run sees every exchange so far.
                + "      flush_line = yes\n"
                + "      default = 1\n"
                + levels
                + "    }\n"
                + "  }\n"
                + "  plugins {\n"
                + "    vici { socket = unix://" + dir.resolve("charon.vici") + " }\n"
                + "  }\n"
                + "}\n";
    }

    public String namespace() {
        return namespace;
    }

    public long pid() {
        return charon.pid();
    }

    public Path log() {
        return dir.resolve("charon.log");
    }

    /** Writes swanctl.conf (and puts certificates and keys where swanctl looks) and loads it all. */
    public void load(SwanctlConnection... connections) throws IOException {
        Path swanctl = dir.resolve("swanctl");
        for (String sub : List.of("x509", "x509ca", "private")) {
            Files.createDirectories(swanctl.resolve(sub));
        }
        StringBuilder conf = new StringBuilder("connections {\n");
        StringBuilder secrets = new StringBuilder("secrets {\n");
        for (SwanctlConnection connection : connections) {
            conf.append(connection.swanctlConf());
            secrets.append(connection.secretsConf());
            if (connection.authentication() instanceof SwanctlConnection.Certificates c) {
                copyInto(c.certificate(), swanctl.resolve("x509"));
                copyInto(c.privateKey(), swanctl.resolve("private"));
                copyInto(c.caCertificate(), swanctl.resolve("x509ca"));
            }
        }
        Path file = swanctl.resolve("swanctl.conf");
        Files.writeString(file, conf.append("}\n").append(secrets).append("}\n"));
        String out = swanctl("--load-all", "--noprompt", "--file", file.toString());
        if (!out.contains("successfully loaded " + connections.length + " connections")) {
            throw new AssertionError("swanctl --load-all in " + namespace + ":\n" + out);
        }
    }

    /** Initiates the CHILD SA (and its IKE SA); returns once it is up, fails the test if it is not. */
    public void initiate(String child) {
        swanctl("--initiate", "--child", child, "--timeout", "20");
    }

    /** Deletes the IKE SA and its CHILD SAs (an INFORMATIONAL exchange with the peer). */
    public void terminateIke(String ike) {
        swanctl("--terminate", "--ike", ike, "--timeout", "20");
    }

    public List<SwanctlSas.IkeSa> listSas() {
        return SwanctlSas.parse(swanctl("--list-sas", "--raw"));
    }

    /** Runs swanctl against this charon's vici socket; fails the test on a non-zero exit. */
    public String swanctl(String... arguments) {
        List<String> command = new ArrayList<>(List.of("swanctl"));
        command.addAll(List.of(arguments));
        command.add("--uri");
        command.add("unix://" + viciSocket());
        NetnsLab.Result r = NetnsLab.execute(COMMAND_TIMEOUT_SECONDS, command.toArray(String[]::new));
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (exit " + r.exitCode() + ") in "
                    + namespace + ":\n" + r.output() + "\n--- charon.log:\n" + logTail(30));
        }
        return r.output();
    }

    /** The last lines of charon's log, for failure messages. */
    public String logTail(int lines) {
        String log = readIfExists(log());
        String[] all = log.split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }

    private Path viciSocket() {
        return dir.resolve("charon.vici");
    }

    private static void copyInto(Path file, Path directory) throws IOException {
        Files.copy(file, directory.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    private static String readIfExists(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * SIGKILL to charon's PID: no Delete reaches the peer. Its vici socket stays behind in this
     * work directory, so start the next charon in another one.
     */
    public void kill() throws InterruptedException {
        charon.toHandle().destroyForcibly();
        charon.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM to charon's PID, SIGKILL after 10 s; charon removes its TUN device and routes. */
    @Override
    public void close() {
        charon.destroy();
        try {
            if (!charon.waitFor(10, TimeUnit.SECONDS)) {
                charon.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            charon.destroyForcibly();
        }
    }
}
