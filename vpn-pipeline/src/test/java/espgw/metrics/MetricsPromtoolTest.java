package espgw.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import espgw.daemon.PacketBuffers;
import espgw.drop.DropReason;
import espgw.testing.Privileges;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Prometheus' own linter accepts the scrape: names, units, suffixes, help and type lines. */
class MetricsPromtoolTest {
    @Test
    void promtoolAcceptsTheScrape() throws IOException, InterruptedException {
        Privileges.requireCommand("promtool");
        try (GatewayMetrics metrics = new GatewayMetrics(() -> true)) {
            metrics.peer("server-b").packetIn(100);
            metrics.packetBuffers(PacketBuffers.allocator());
            metrics.drops().drop(DropReason.REPLAY);
            metrics.saInstalled("server-b", MetricsTesting.inboundSa(0x1001, System::nanoTime));

            Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
            promtool.getOutputStream().write(ScrapedSeries.of(metrics).text().getBytes(StandardCharsets.UTF_8));
            promtool.getOutputStream().close();
            String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, promtool.waitFor(), output);
            assertEquals("", output, "promtool lint findings");
        }
    }
}
