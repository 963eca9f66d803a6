package espgw.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import espgw.testing.Privileges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus: promtool accepts the scrape config and the rules, the rules' unit tests
 * (tests/alerts-test.yml) pass, and the rules use only series GatewayMetrics exposes.
 */
class DeployPrometheusTest {
    private final Path dir = DeployFiles.path("prometheus");

    @Test
    void promtoolChecksTheScrapeConfig() throws Exception {
        promtool("check", "config", "prometheus.yml");
    }

    @Test
    void promtoolChecksTheRules() throws Exception {
        promtool("check", "rules", "alerts.yml");
    }

    @Test
    void alertsFireAsTheirUnitTestsSay() throws Exception {
        promtool("test", "rules", "tests/alerts-test.yml");
    }

    @Test
    void rulesUseOnlyExposedSeries() throws IOException {
        Set<String> missing = new TreeSet<>(ReferencedMetrics.in(Files.readString(dir.resolve("alerts.yml"))));
        missing.removeAll(ReferencedMetrics.exposed());
        assertEquals(Set.of(), missing, "used by alerts.yml but not exposed by GatewayMetrics");
    }

    private void promtool(String... args) throws IOException, InterruptedException {
        Privileges.requireCommand("promtool");
        String[] command = new String[args.length + 1];
        command[0] = "promtool";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
    }
}
