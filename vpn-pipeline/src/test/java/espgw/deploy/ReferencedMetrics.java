package espgw.deploy;

import espgw.crypto.AeadAlgorithm;
import espgw.crypto.JceAead;
import espgw.daemon.PacketBuffers;
import espgw.drop.DropReason;
import espgw.metrics.GatewayMetrics;
import espgw.metrics.ScrapedSeries;
import espgw.sa.Direction;
import espgw.sa.SecurityAssociation;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Metric names a dashboard or rule file uses, and the names GatewayMetrics actually exposes. */
final class ReferencedMetrics {
    private static final Pattern NAME = Pattern.compile("\\b(?:espgw|jvm|process)_[a-z_]+\\b");

    private ReferencedMetrics() {
    }

    static Set<String> in(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = NAME.matcher(text);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** Every name a running gateway with an IKE peer, an SA, a drop and its packet buffers exposes. */
    static Set<String> exposed() {
        try (GatewayMetrics metrics = new GatewayMetrics(() -> true)) {
            metrics.peer("server").packetIn(1);
            metrics.drops().drop(DropReason.ICV);
            SecurityAssociation sa = SecurityAssociation.builder(0x1001, Direction.INBOUND,
                    new JceAead(AeadAlgorithm.AES_GCM_128, new byte[20])).build();
            metrics.saInstalled("server", sa);
            metrics.ikeSaUp("server", () -> true);
            metrics.packetBuffers(PacketBuffers.allocator());
            return ScrapedSeries.of(metrics).names();
        }
    }
}
