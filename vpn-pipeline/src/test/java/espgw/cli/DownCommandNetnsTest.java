package espgw.cli;

import static espgw.linux.host.BlockingIo.THREAD_PER_TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.testing.NetnsLab;
import espgw.testing.Privileges;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The must-show: a gateway process killed with SIGKILL after changing the host network leaves
 * nothing behind once {@code espgw down} ran — addresses, routes in all tables, rules, the nft
 * ruleset and the sysctl are exactly as before, and what was there before is untouched.
 */
class DownCommandNetnsTest {
    private static final String INSTANCE = "killed0";

    @TempDir
    Path stateDir;

    @Test
    void downAfterSigkillRestoresTheNamespaceExactly() throws Exception {
        Privileges.requireNetnsLab();
        Privileges.requireCommand("nft");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("host");
            addObjectsEspgwMustNotTouch(lab, ns);
            String before = snapshot(lab, ns);

            Process gateway = lab.spawn(ns, javaCommand(HostChangesChild.class, stateDir.toString(), INSTANCE));
            awaitLine(gateway, HostChangesChild.APPLIED);
            assertNotEquals(before, snapshot(lab, ns), "the child changed the namespace");

            NetnsLab.Result refused = lab.tryExec(ns, 120, down());
            assertEquals(1, refused.exitCode(), refused.output());
            // ip netns exec execs the command, so the spawned pid is the gateway JVM's own.
            assertTrue(refused.output().contains("instance " + INSTANCE + " is already running (pid " + gateway.pid() + ")"),
                    refused.output());

            gateway.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            assertTrue(gateway.waitFor(30, TimeUnit.SECONDS));
            assertEquals(128 + 9, gateway.exitValue());
            assertTrue(Files.exists(stateDir.resolve(INSTANCE + ".journal")));

            NetnsLab.Result down = lab.tryExec(ns, 120, down());
            assertEquals(0, down.exitCode(), down.output());
            assertTrue(down.output().contains("undone: nftables table ip espgw"), down.output());
            assertTrue(down.output().contains("undone: link egd0 (bridge)"), down.output());
            assertEquals(before, snapshot(lab, ns));
            assertFalse(Files.exists(stateDir.resolve(INSTANCE + ".journal")), "journal removed");

            NetnsLab.Result again = lab.tryExec(ns, 120, down());
            assertEquals(0, again.exitCode(), again.output());
            assertTrue(again.output().contains("nothing to undo for instance " + INSTANCE), again.output());
            assertEquals(before, snapshot(lab, ns));
        }
    }

    /** A link, address, route, rule and nft table of someone else's, with names close to espgw's. */
    private static void addObjectsEspgwMustNotTouch(NetnsLab lab, String ns) {
        // IPv6 autoconfiguration would change link-local addresses (tentative, then not) between
        // the snapshots; espgw is IPv4-only, so the namespace is too.
        lab.exec(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        lab.exec(ns, "ip", "link", "add", "other0", "type", "bridge");
        lab.exec(ns, "ip", "addr", "add", "10.66.0.1/24", "dev", "other0");
        lab.exec(ns, "ip", "link", "set", "other0", "up");
        lab.exec(ns, "ip", "route", "add", "10.67.0.0/16", "dev", "other0", "table", "100");
        lab.exec(ns, "ip", "rule", "add", "fwmark", "0x2", "lookup", "100", "priority", "999");
        lab.exec(ns, "nft", "add table inet espgw; add chain inet espgw c { type filter hook input priority 0; }");
    }

    private static String snapshot(NetnsLab lab, String ns) {
        return "ip addr:\n" + lab.exec(ns, "ip", "addr")
                + "ip route:\n" + lab.exec(ns, "ip", "route", "show", "table", "all")
                + "ip rule:\n" + lab.exec(ns, "ip", "rule")
                + "nft:\n" + lab.exec(ns, "nft", "list", "ruleset")
                + "sysctl:\n" + lab.exec(ns, "sysctl", "net.ipv4.ip_forward");
    }

    private String[] down() {
        return javaCommand(DownMain.class, "--instance", INSTANCE, "--state-dir", stateDir.toString());
    }

    private static String[] javaCommand(Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }

    /** Waits for {@code expected} on the process's output; fails with all it printed otherwise. */
    private static void awaitLine(Process process, String expected) throws Exception {
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Boolean> found = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    synchronized (seen) {
                        seen.append(line).append('\n');
                    }
                    if (line.equals(expected)) {
                        return true;
                    }
                }
                return false;
            } catch (java.io.IOException e) {
                return false;
            }
        }, THREAD_PER_TASK);
        boolean ok;
        try {
            ok = found.get(120, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            ok = false;
        }
        synchronized (seen) {
            assertTrue(ok, "child did not print '" + expected + "'; output:\n" + seen);
        }
    }
}
