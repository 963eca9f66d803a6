package espgw.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** deploy/grafana/espgw-dashboard.json is a dashboard that queries only series espgw exposes. */
class DeployGrafanaTest {
    private final JsonNode dashboard = read();

    @Test
    void everyQueriedMetricExists() {
        Set<String> referenced = ReferencedMetrics.in(dashboard.toString());
        assertTrue(referenced.contains("espgw_drops_total"), referenced::toString);
        Set<String> missing = new TreeSet<>(referenced);
        missing.removeAll(ReferencedMetrics.exposed());
        assertEquals(Set.of(), missing, "queried by the dashboard but not exposed by GatewayMetrics");
    }

    @Test
    void panelsHaveUniqueIdsQueriesAndPlaces() {
        assertEquals("espgw", dashboard.path("uid").asText());
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asText();
            assertTrue(ids.add(panel.path("id").asInt()), "duplicate panel id in " + title);
            assertTrue(panel.path("gridPos").has("w") && panel.path("gridPos").has("h"), title);
            assertFalse(panel.path("targets").isEmpty(), title);
            for (JsonNode target : panel.path("targets")) {
                assertFalse(target.path("expr").asText().isBlank(), title);
            }
        }
        assertTrue(ids.size() >= 8, "panels: " + ids.size());
    }

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(DeployFiles.path("grafana/espgw-dashboard.json").toFile());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
