package espgw.cli;

import espgw.metrics.StatusReport;
import java.util.Map;

/** The human view of a {@link StatusReport}, laid out like {@code wg show}, with IKE as {@link IkeStatusView} shows it. */
final class StatusView {
    private StatusView() {
    }

    static String render(StatusReport report) {
        StringBuilder s = new StringBuilder();
        s.append("instance: ").append(report.instance()).append('\n');
        s.append("  uptime: ").append(duration(report.uptimeSeconds())).append('\n');
        for (StatusReport.Peer peer : report.peers()) {
            s.append('\n').append("peer: ").append(peer.name()).append('\n');
            s.append("  endpoint: ").append(peer.address())
                    .append(sameSubnetNote(peer.sameSubnet(), peer.steering())).append('\n');
            if (peer.ike() != null) {
                IkeStatusView.render(s, peer.ike());
            }
            s.append("  latest traffic: ").append(peer.lastTrafficSecondsAgo() == null
                    ? "never" : duration(peer.lastTrafficSecondsAgo()) + " ago").append('\n');
            s.append("  transfer: ").append(size(peer.bytesIn())).append(" received (")
                    .append(peer.packetsIn()).append(" packets), ").append(size(peer.bytesOut()))
                    .append(" sent (").append(peer.packetsOut()).append(" packets)\n");
            if (peer.sas().isEmpty()) {
                s.append("  sa: none (IKE has not negotiated one)\n");
            }
            for (StatusReport.Sa sa : peer.sas()) {
                s.append(String.format("  sa %s %-3s %s%s, age %s, %d packets, %s%s%n", sa.spi(),
                        sa.direction(), sa.algorithm(), sa.esn() ? " esn" : "", duration(sa.ageSeconds()),
                        sa.packets(), size(sa.bytes()), saState(sa.state())));
            }
        }
        s.append('\n').append("drops:");
        boolean any = false;
        for (Map.Entry<String, Long> drop : report.drops().entrySet()) {
            if (drop.getValue() > 0) {
                s.append(any ? ", " : " ").append(drop.getKey()).append(' ').append(drop.getValue());
                any = true;
            }
        }
        return s.append(any ? "" : " none").append('\n').toString();
    }

    /**
     * {@code " (same subnet, via 10.0.1.160)"} or {@code " (same subnet, routed)"} at a client,
     * {@code " (same subnet)"} on a server, nothing for another peer.
     */
    static String sameSubnetNote(boolean sameSubnet, StatusReport.Steering steering) {
        if (!sameSubnet) {
            return "";
        }
        return steering == null ? " (same subnet)" : " (same subnet, " + steering.describe() + ")";
    }

    /** Why an SA that is not (or no longer) the one in force is listed. */
    private static String saState(String state) {
        if (StatusReport.Sa.PENDING.equals(state)) {
            return " (pending: in force once the peer deletes the old pair)";
        }
        if (StatusReport.Sa.REPLACED.equals(state)) {
            return " (replaced: kept a few seconds for packets in flight)";
        }
        return "";
    }

    /** {@code 1 hour, 2 minutes, 3 seconds}, as wg prints it. */
    static String duration(long seconds) {
        if (seconds == 0) {
            return "0 seconds";
        }
        StringBuilder s = new StringBuilder();
        unit(s, seconds / 86400, "day");
        unit(s, seconds / 3600 % 24, "hour");
        unit(s, seconds / 60 % 60, "minute");
        unit(s, seconds % 60, "second");
        return s.toString();
    }

    private static void unit(StringBuilder s, long value, String name) {
        if (value > 0) {
            s.append(s.length() > 0 ? ", " : "").append(value).append(' ').append(name).append(value == 1 ? "" : "s");
        }
    }

    /** Binary units with two decimals above a KiB, as wg prints transfer. */
    static String size(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format("%.2f %s", value, units[unit]);
    }
}
