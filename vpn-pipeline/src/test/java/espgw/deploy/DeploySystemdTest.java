package espgw.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import espgw.testing.Privileges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/systemd/espgw.service: the directives the gateway depends on, and {@code systemd-analyze
 * verify} (syntax, known directives, executable commands) on a copy whose /opt/espgw/espgw is a
 * stub in a temp dir. Not verified here: that the sandbox lets a real {@code espgw up} work; the
 * netns tests cover the gateway, not the unit.
 */
class DeploySystemdTest {
    private static final String UNIT = "systemd/espgw.service";

    @TempDir
    Path temp;

    @Test
    void runsTheGatewayWithTwoCapabilitiesAndCleansUp() throws IOException {
        Map<String, String> service = section("Service");
        assertEquals("/opt/espgw/espgw up -c /etc/espgw/espgw.yaml", service.get("ExecStart"));
        assertEquals("/opt/espgw/espgw down --instance espgw", service.get("ExecStopPost"));
        assertEquals("on-failure", service.get("Restart"));
        assertEquals("CAP_NET_ADMIN CAP_NET_RAW", service.get("CapabilityBoundingSet"));
        assertEquals("CAP_NET_ADMIN CAP_NET_RAW", service.get("AmbientCapabilities"));
        assertEquals("AF_INET AF_NETLINK AF_UNIX", service.get("RestrictAddressFamilies"));
        assertEquals("espgw", service.get("RuntimeDirectory"));
        assertEquals("/run/espgw", service.get("ReadWritePaths"));
        assertEquals("espgw", service.get("StateDirectory"));
        assertEquals("strict", service.get("ProtectSystem"));
        assertEquals("/dev/net/tun rw", service.get("DeviceAllow"));
        for (String on : List.of("NoNewPrivileges", "ProtectHome", "PrivateTmp", "ProtectKernelModules")) {
            assertEquals("yes", service.get(on), on);
        }
    }

    @Test
    void systemdAnalyzeVerifyIsSilent() throws IOException, InterruptedException {
        Privileges.requireCommand("systemd-analyze");
        Path stub = temp.resolve("opt/espgw/espgw");
        Files.createDirectories(stub.getParent());
        Files.writeString(stub, "#!/bin/sh\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path unit = temp.resolve("espgw.service");
        Files.writeString(unit, Files.readString(DeployFiles.path(UNIT)).replace("/opt/espgw/espgw", stub.toString()));

        Process verify = new ProcessBuilder("systemd-analyze", "verify", unit.toString())
                .redirectErrorStream(true).start();
        String output = new String(verify.getInputStream().readAllBytes());
        assertEquals(0, verify.waitFor(), output);
        // Unknown or misspelt directives are only warnings ("Unknown key ..., ignoring"), exit 0.
        assertEquals("", output);
    }

    private static Map<String, String> section(String name) throws IOException {
        Map<String, String> directives = new HashMap<>();
        String current = null;
        for (String line : Files.readAllLines(DeployFiles.path(UNIT))) {
            if (line.startsWith("[")) {
                current = line.substring(1, line.indexOf(']'));
            } else if (name.equals(current) && line.contains("=") && !line.startsWith("#")) {
                String key = line.substring(0, line.indexOf('='));
                if (directives.put(key, line.substring(line.indexOf('=') + 1)) != null) {
                    throw new AssertionError(key + " appears twice: later lines add to or reset it, say it once");
                }
            }
        }
        return directives;
    }
}
