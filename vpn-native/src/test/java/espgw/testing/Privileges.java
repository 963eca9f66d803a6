package espgw.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Checks for what native and netns tests need: root (CAP_NET_ADMIN, CAP_NET_RAW), iproute2,
 * nftables and {@code /dev/net/tun}. Without them a test is skipped with a loud message on stderr;
 * with {@code -Despgw.test.requirePrivileges=true} (as CI runs) it fails instead, so a missing
 * capability can never hide a test in CI.
 */
public final class Privileges {
    private Privileges() {
    }

    public static void requireNetnsLab() {
        require(isRoot(), "root (CAP_NET_ADMIN and CAP_NET_RAW)");
        require(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "iproute2 (/usr/sbin/ip)");
        require(Files.exists(Path.of("/dev/net/tun")), "/dev/net/tun");
    }

    public static void requireCommand(String command) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                found = true;
                break;
            }
        }
        require(found || Files.isExecutable(Path.of("/usr/sbin", command)), "the command '" + command + "'");
    }

    public static void requireExecutable(Path file) {
        require(Files.isExecutable(file), file.toString());
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void require(boolean present, String what) {
        if (present) {
            return;
        }
        String message = "THIS TEST NEEDS " + what + ", WHICH THIS MACHINE OR USER LACKS";
        if (Boolean.getBoolean("espgw.test.requirePrivileges")) {
            throw new AssertionError(message + " (espgw.test.requirePrivileges=true: failing, not skipping)");
        }
        System.err.println("\n!!!!! SKIPPED: " + message + " !!!!!\n");
        Assumptions.abort(message);
    }
}
