package espgw.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A fixed status report, as a daemon with one active and one idle peer would give. */
public final class StatusReports {
    private StatusReports() {
    }

    public static StatusReport twoPeers() {
        Map<String, Long> drops = new LinkedHashMap<>();
        drops.put("replay", 3L);
        drops.put("icv", 0L);
        drops.put("no_sa", 1L);
        return new StatusReport("espgw", 3723, List.of(
                new StatusReport.Peer("server-b", "10.0.0.160", true, 2L, 1000, 1_258_291, 12, 2048,
                        List.of(new StatusReport.Sa("0x00001001", "in", "aes-gcm-128", 300, 1000, 1_258_291, true),
                                new StatusReport.Sa("0x00002001", "out", "aes-gcm-128", 300, 12, 2048, true))),
                new StatusReport.Peer("remote \"c\"", "192.0.2.7", false, null, 0, 0, 0, 0, List.of())),
                drops);
    }
}
