package espgw.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.crypto.AeadBackend;
import espgw.lab.Lab;
import espgw.testing.Privileges;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code espgw up} refuses what it must refuse, and then leaves the host as it was. */
class UpCommandNetnsTest {
    private static final String CONFIG = """
            instance: gw
            local: 10.0.0.161/24
            peers:
              - name: server
                address: 10.0.0.160
                sa:
                  outbound: {spi: 0x1001, key: 0x0123456789abcdef0123456789abcdef01234567}
                  inbound:  {spi: 0x2001, key: 0x89abcdef0123456789abcdef0123456789abcdef}
            """;

    @TempDir
    Path dir;

    @Test
    void aBadConfigIsOneLineExitTwoAndTheHostIsUntouched() throws Exception {
        Privileges.requireNetnsLab();
        try (Lab lab = new Lab("upbad", dir)) {
            String ns = lab.host("gw");
            lab.joinLan(ns, "eth0", "10.0.0.161/24");
            String before = lab.hostState(ns);
            Path bad = lab.config("bad", CONFIG.replace("0x0123456789abcdef0123456789abcdef01234567", "0x0123"));
            Lab.Result result = lab.espgw(ns, "up", "-c", bad.toString());
            assertEquals(2, result.exitCode(), result.output());
            String message = result.output().lines().filter(l -> l.startsWith("espgw: ")).findFirst().orElse("");
            assertTrue(message.startsWith("espgw: " + bad + ": peers[0].sa.outbound.key: aes-gcm-128 needs 40 hex digits"),
                    result.output());
            assertEquals(before, lab.hostState(ns));
            assertTrue(Files.notExists(dir.resolve("run").resolve("gw.journal")), "no journal for a refused start");
        }
    }

    @Test
    void aSecondUpOfTheSameInstanceIsRefusedClearly() throws Exception {
        Privileges.requireNetnsLab();
        Privileges.requireCommand("nft");
        try (Lab lab = new Lab("up2", dir)) {
            String ns = lab.host("gw");
            lab.joinLan(ns, "eth0", "10.0.0.161/24");
            Path config = lab.config("gw", CONFIG);
            Lab.Gateway first = lab.startGateway(ns, config);
            Lab.Result second = lab.espgw(ns, "up", "-c", config.toString());
            assertEquals(1, second.exitCode(), second.output());
            assertTrue(second.output().contains("instance gw is already running (pid"), second.output());
            assertTrue(first.isAlive(), "the running instance must not be disturbed");
        }
    }

    @Test
    void jsonLogsOnRequestOneObjectPerLineAndNeverAKey() throws Exception {
        Privileges.requireNetnsLab();
        Privileges.requireCommand("nft");
        try (Lab lab = new Lab("uplog", dir)) {
            String ns = lab.host("gw");
            lab.joinLan(ns, "eth0", "10.0.0.161/24");
            Lab.Gateway gateway = lab.startGateway(ns, lab.config("gw", CONFIG), "--log-format", "json");
            assertEquals(0, gateway.stop(), gateway.output());
            String output = gateway.output();
            long saLines = output.lines().filter(l -> l.startsWith("{") && l.contains("SA up: peer server")).count();
            assertEquals(2, saLines, output);
            assertTrue(output.lines().filter(l -> l.startsWith("{")).allMatch(l -> l.endsWith("}")), output);
            assertTrue(output.contains("SA down: peer server"), output);
            // The same JVM and properties as this test's (OpenSSL from Java 22 on: AeadBackendTest).
            assertTrue(output.contains("\n  ciphers: " + AeadBackend.chosen().describe() + "\n"), output);
            assertTrue(!output.contains("0123456789abcdef") && !output.contains("89abcdef01234567"),
                    "key material in the log: " + output);
        }
    }
}
