package espgw.daemon;

import espgw.config.GatewayConfig;
import espgw.config.PeerConfig;
import espgw.linux.host.HostNetwork;
import espgw.metrics.StatusReport;
import espgw.nat.Ipv4Prefix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.StringJoiner;

/**
 * What a gateway changes on its host, derived from the config alone (so it is testable without
 * privileges), and applied through the journaled {@link HostNetwork}.
 *
 * <p>Routing: the tunnel routes live in espgw's own table, consulted by every packet that does
 * <em>not</em> carry espgw's firewall mark. espgw's own ESP packets carry the mark (SO_MARK on
 * the raw socket), so they are routed by the main table and can never loop into the tunnel —
 * whatever routes the tunnel holds, up to a full tunnel.
 *
 * <p>The nftables table {@code ip espgw} holds: one DNAT rule for all same-subnet peers (a map
 * from real to offset address, seed scenario 2 without its one-rule-per-server defect; with
 * {@code same_subnet: route} they get host routes in the table instead, like every other peer), TCP MSS
 * clamping to the tunnel MTU, and a guard that drops any packet to or from a protected address
 * that is neither espgw's ESP nor inside the tunnel. The guard outlives a crashed daemon until
 * {@code espgw down}, so a killed gateway leaks nothing in clear text. ESP in UDP and IKE pass the
 * guard the same way: out by espgw's mark, in to espgw's UDP ports (NAT-T and 500); the DNAT of
 * same-subnet peers spares them by the mark too.
 */
public final class HostSetup {
    /** Priority of the policy rule, below the main table's 32766. */
    static final int RULE_PRIORITY = 3673;

    private final GatewayConfig config;
    private final String device;

    public HostSetup(GatewayConfig config, String device) {
        this.config = config;
        this.device = device;
    }

    /** Networks routed into the tunnel. */
    public List<Ipv4Prefix> tunnelRoutes() {
        return new ArrayList<>(peersByRoute().keySet());
    }

    /** Each network routed into the tunnel, with the peers it leads to. */
    private Map<Ipv4Prefix, List<PeerConfig>> peersByRoute() {
        Map<Ipv4Prefix, List<PeerConfig>> routes = new LinkedHashMap<>();
        if (config.role() == GatewayConfig.Role.SERVER) {
            routes.put(config.clientPool(), new ArrayList<>(config.peers()));
        }
        List<PeerConfig> throughOffset = new ArrayList<>(
                config.peers().stream().filter(config::reachedThroughOffset).toList());
        if (!throughOffset.isEmpty()) {
            routes.put(config.offsetNetwork(), throughOffset);
        }
        for (PeerConfig peer : config.peers()) {
            if (!config.reachedThroughOffset(peer) && config.role() == GatewayConfig.Role.CLIENT) {
                routes.computeIfAbsent(Ipv4Prefix.of(peer.address(), 32), r -> new ArrayList<>()).add(peer);
            }
            for (Ipv4Prefix network : peer.networks()) {
                routes.computeIfAbsent(network, r -> new ArrayList<>()).add(peer);
            }
        }
        return routes;
    }

    /**
     * Each network routed into the tunnel, with the source address of what the host itself sends
     * through it: one of {@code hostAddresses} that the peers it leads to admit as an inner source,
     * i.e. inside this end's selectors (IKE's {@code local_ts}, else the local address); the local
     * address when it qualifies. Empty when no address of the host does: the kernel then chooses,
     * and the peer decides.
     */
    Map<Ipv4Prefix, OptionalInt> routeSources(List<Integer> hostAddresses) {
        Map<Ipv4Prefix, OptionalInt> sources = new LinkedHashMap<>();
        peersByRoute().forEach((route, peers) -> sources.put(route, routeSource(peers, hostAddresses)));
        return sources;
    }

    private OptionalInt routeSource(List<PeerConfig> peers, List<Integer> hostAddresses) {
        List<Ipv4Prefix> admitted = new ArrayList<>();
        for (PeerConfig peer : peers) {
            admitted.addAll(peer.ike() != null ? peer.ike().localTs()
                    : List.of(Ipv4Prefix.of(config.localAddress(), 32)));
        }
        List<Integer> candidates = new ArrayList<>();
        candidates.add(config.localAddress());
        candidates.addAll(hostAddresses);
        return candidates.stream().filter(hostAddresses::contains)
                .filter(address -> admitted.stream().anyMatch(prefix -> prefix.contains(address)))
                .mapToInt(Integer::intValue).findFirst();
    }

    /** Addresses that must never be reached except through ESP. */
    List<Ipv4Prefix> protectedAddresses() {
        Set<Ipv4Prefix> addresses = new LinkedHashSet<>(tunnelRoutes());
        for (PeerConfig peer : config.peers()) {
            addresses.add(Ipv4Prefix.of(peer.address(), 32));
        }
        return new ArrayList<>(addresses);
    }

    /** The body of {@code table ip espgw}. */
    public String nftTable() {
        int mark = config.tunnel().fwmark();
        StringBuilder nft = new StringBuilder();
        nft.append("  set protected {\n    type ipv4_addr\n    flags interval\n    auto-merge\n    elements = { ")
                .append(join(protectedAddresses())).append(" }\n  }\n");
        List<String> offsets = new ArrayList<>();
        for (PeerConfig peer : config.peers()) {
            if (config.reachedThroughOffset(peer)) {
                offsets.add(Ipv4Prefix.format(peer.address()) + " : " + Ipv4Prefix.format(offsetAddress(peer.address())));
            }
        }
        if (!offsets.isEmpty()) {
            nft.append("  map peer_offset {\n    type ipv4_addr : ipv4_addr\n    elements = { ")
                    .append(String.join(", ", offsets)).append(" }\n  }\n");
            nft.append("  chain steer {\n    type nat hook output priority -100; policy accept;\n");
            if (config.anyUdpPeer()) {
                // ESP in UDP is UDP to the peer's real address: only the mark tells it apart.
                nft.append("    meta mark ").append(hex(mark)).append(" accept\n");
            }
            nft.append("    meta l4proto != esp dnat ip to ip daddr map @peer_offset\n  }\n");
        }
        // Postrouting, not output: only there is oifname the device the packet really leaves by
        // (the output hook keeps the device chosen before the DNAT rerouted the packet). Forwarded
        // packets pass here too, so one MSS clamp serves both.
        nft.append("  chain postrouting {\n    type filter hook postrouting priority filter; policy accept;\n")
                .append("    oifname \"").append(device).append("\" tcp flags syn tcp option maxseg size set rt mtu\n")
                .append("    meta mark ").append(hex(mark)).append(" accept\n")
                .append("    oifname \"").append(device).append("\" accept\n")
                .append("    ip daddr @protected drop\n  }\n");
        nft.append("  chain input {\n    type filter hook input priority filter; policy accept;\n")
                .append("    iifname \"").append(device).append("\" accept\n")
                // The host's own errors about tunnelled flows (e.g. "fragmentation needed" for a
                // packet too big for the tunnel) come back over loopback, un-NATed to the peer.
                .append("    iifname \"lo\" accept\n");
        if (config.anyUdpPeer()) {
            // ESP in UDP (RFC 3948) arrives at espgw's own UDP port, and IKE after NAT detection.
            nft.append("    ip saddr @protected udp dport ").append(config.tunnel().udpPort()).append(" accept\n");
        }
        if (config.anyIkePeer()) {
            // IKE starts on port 500 (RFC 7296 §2); espgw's replies leave by the mark like its ESP.
            nft.append("    ip saddr @protected udp dport ").append(IkeTransport.IKE_PORT).append(" accept\n");
        }
        nft.append("    ip saddr @protected meta l4proto != esp drop\n  }\n");
        return nft.toString();
    }

    /** How packets for {@code peer} are steered into the tunnel when it is on this client's LAN subnet; else null. */
    public StatusReport.Steering sameSubnetSteering(PeerConfig peer) {
        if (!peer.sameSubnet() || config.role() != GatewayConfig.Role.CLIENT) {
            return null;
        }
        return config.reachedThroughOffset(peer)
                ? StatusReport.Steering.offset(Ipv4Prefix.format(offsetAddress(peer.address())))
                : StatusReport.Steering.ROUTED;
    }

    public int offsetAddress(int real) {
        Ipv4Prefix offset = config.offsetNetwork();
        return offset.network() | (real & ~offset.mask());
    }

    /**
     * Applies routes, the policy rule and the nftables table, each journaled before it is made;
     * {@code hostAddresses} are the IPv4 addresses the host has now.
     */
    public void apply(HostNetwork host, List<Integer> hostAddresses) throws IOException {
        String table = Integer.toString(config.tunnel().routeTable());
        // The tunnel device has no address, so without "src" the kernel would lend what the host
        // itself sends into the tunnel the first global address it finds on another device (one
        // on lo, or on any device listed before the gateway's), which the peer may well drop.
        for (Map.Entry<Ipv4Prefix, OptionalInt> routeSource : routeSources(hostAddresses).entrySet()) {
            Ipv4Prefix route = routeSource.getKey();
            OptionalInt source = routeSource.getValue();
            if (source.isPresent()) {
                host.addRoute(route.toString(), "dev", device, "src", Ipv4Prefix.format(source.getAsInt()),
                        "table", table);
            } else {
                host.addRoute(route.toString(), "dev", device, "table", table);
            }
        }
        host.addRule("not", "fwmark", hex(config.tunnel().fwmark()), "table", table,
                "priority", Integer.toString(RULE_PRIORITY));
        host.loadNftTable(nftTable());
        // The tunnel carries IPv4 only; without this the kernel sends IPv6 router solicitations into
        // it, which the data path can only count as malformed drops.
        if (Files.isDirectory(Path.of("/proc/sys/net/ipv6/conf", device))) {
            host.setSysctl("net.ipv6.conf." + device + ".disable_ipv6", "1");
        }
    }

    private static String join(List<Ipv4Prefix> cidrs) {
        StringJoiner joined = new StringJoiner(", ");
        cidrs.forEach(c -> joined.add(c.length() == 32 ? Ipv4Prefix.format(c.network()) : c.toString()));
        return joined.toString();
    }

    private static String hex(int value) {
        return "0x" + Integer.toHexString(value);
    }
}
