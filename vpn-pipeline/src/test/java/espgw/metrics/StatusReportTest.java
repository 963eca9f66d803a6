package espgw.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.sa.SecurityAssociation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The status report's JSON and how GatewayMetrics fills a peer's part of it. */
class StatusReportTest {
    private long now;

    @Test
    void jsonRoundTripKeepsNullsAndDropOrder() throws IOException {
        StatusReport report = StatusReports.twoPeers();
        String json = new String(StatusJson.write(report), StandardCharsets.UTF_8);

        assertEquals(report, StatusJson.read(json));
        assertEquals(List.of("replay", "icv", "no_sa"), List.copyOf(StatusJson.read(json).drops().keySet()));
        assertEquals(true, json.contains("\"lastTrafficSecondsAgo\":null"), json);
        assertEquals(true, json.contains("\"name\":\"remote \\\"c\\\"\""), json);
        assertTrue(json.contains("\"sameSubnet\":true,\"steering\":{\"mode\":\"route\",\"offsetAddress\":null}"), json);
    }

    @Test
    void aReportFromANewerDaemonIsReadWithoutTheFieldsItAdded() throws IOException {
        StatusReport report = StatusReports.twoPeers();
        String json = new String(StatusJson.write(report), StandardCharsets.UTF_8)
                .replace("\"sameSubnet\":", "\"addedLater\":{\"x\":1},\"sameSubnet\":")
                .replace("\"instance\":", "\"addedLater\":[1],\"instance\":");

        assertTrue(json.contains("addedLater"), json);
        assertEquals(report, StatusJson.read(json));
    }

    @Test
    void ikeStateSurvivesTheJsonRoundTrip() throws IOException {
        StatusReport report = StatusReports.ikePeers();
        String json = new String(StatusJson.write(report), StandardCharsets.UTF_8);

        assertEquals(report, StatusJson.read(json));
        assertTrue(json.contains("\"ike\":{\"state\":\"established\",\"connecting\":null,\"established\":"
                + "{\"role\":\"initiator\""), json);
        assertTrue(json.contains("\"initiatorSpi\":\"0123456789abcdef\",\"responderSpi\":\"fedcba9876543210\""), json);
        assertTrue(json.contains("\"lastFailure\":{\"errorNotify\":\"AUTHENTICATION_FAILED\""), json);
        assertTrue(json.contains("\"state\":\"pending\""), json);
        assertTrue(json.contains("\"steering\":{\"mode\":\"offset\",\"offsetAddress\":\"10.0.1.7\"}"), json);
    }

    @Test
    void peerStatusFromCountersAndSas() {
        try (GatewayMetrics metrics = new GatewayMetrics(() -> true)) {
            SecurityAssociation sa = MetricsTesting.inboundSa(0xcafe, () -> now);
            long start = 1_000_000_000L;

            StatusReport.Peer idle = metrics.peerStatus("b", "10.0.0.160", true, null, sas(sa), null, start);
            assertNull(idle.lastTrafficSecondsAgo());

            metrics.peer("b").packetIn(100);
            metrics.peer("b").packetOut(40);
            sa.admit(100);
            now = TimeUnit.SECONDS.toNanos(90);
            StatusReport.Peer busy = metrics.peerStatus("b", "10.0.0.160", true, null, sas(sa), null, start);
            assertEquals(0L, busy.lastTrafficSecondsAgo());
            assertEquals(new StatusReport.Peer("b", "10.0.0.160", true, null, 0L, 1, 100, 1, 40,
                    List.of(new StatusReport.Sa("0x0000cafe", "in", "aes-gcm-128", 90, 1, 100, true, StatusReport.Sa.ACTIVE)),
                    null), busy);

            // No traffic since: the age grows from the observation that saw the last packets.
            StatusReport.Peer later = metrics.peerStatus("b", "10.0.0.160", true, null, sas(sa), null,
                    start + TimeUnit.SECONDS.toNanos(42));
            assertEquals(42L, later.lastTrafficSecondsAgo());
        }
    }

    private static List<StatusReport.Sa> sas(SecurityAssociation sa) {
        return List.of(StatusReport.Sa.of(sa, StatusReport.Sa.ACTIVE));
    }
}
