package espgw.config;

import espgw.nat.Ipv4Prefix;
import espgw.sa.ManualSa;
import espgw.sa.SaLifetime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer gateway: its outer address, the inner networks reached through it, and the manual SAs in
 * both directions.
 *
 * @param sameSubnet the peer is on this host's LAN subnet, so it is reached through its offset
 *                   address (seed scenario 2) rather than through routes (scenario 1)
 * @param networks   inner networks behind the peer, routed into the tunnel; the peer's own
 *                   address is always protected and need not be listed
 * @param encapsulation how ESP travels to and from the peer
 * @param udpPort    with {@link Encapsulation#UDP}: the peer's UDP port (the gateway's own port
 *                   unless given); 0 with {@link Encapsulation#NONE}
 */
public record PeerConfig(String name, int address, boolean sameSubnet, List<Ipv4Prefix> networks,
                         ManualSa outbound, ManualSa inbound, SaLifetime lifetime,
                         Encapsulation encapsulation, int udpPort) {

    /** How ESP packets travel between the gateways. */
    public enum Encapsulation {
        /** Bare ESP, IP protocol 50 (RFC 4303). */
        NONE,
        /** ESP in UDP (RFC 3948), for NAT traversal and peers that always encapsulate. */
        UDP
    }

    /** @param gatewayUdpPort {@code tunnel.udp_port}, the default for {@code udp_port} */
    static PeerConfig from(ConfigNode node, int localAddress, Ipv4Prefix local, int gatewayUdpPort)
            throws ConfigException {
        String name = node.string("name");
        int address = GatewayConfig.address(node, "address", node.string("address"));
        if (address == localAddress) {
            throw node.error("address", Ipv4Prefix.format(address) + " is this host's own address (local)");
        }
        List<Ipv4Prefix> networks = new ArrayList<>();
        List<String> texts = node.strings("networks");
        for (int i = 0; i < texts.size(); i++) {
            networks.add(GatewayConfig.prefix(node, "networks[" + i + "]", texts.get(i)));
        }
        ConfigNode sa = node.child("sa");
        ManualSa outbound = SaConfig.from(sa.child("outbound"));
        ManualSa inbound = SaConfig.from(sa.child("inbound"));
        SaLifetime lifetime = lifetime(sa.optionalChild("lifetime"));
        sa.rejectUnknownFields();
        Encapsulation encapsulation = encapsulation(node);
        int udpPort = 0;
        if (encapsulation == Encapsulation.UDP) {
            udpPort = (int) node.integer("udp_port", gatewayUdpPort, 1, 65535);
        } else if (node.has("udp_port")) {
            throw node.error("udp_port", "applies only with encapsulation: udp");
        }
        node.rejectUnknownFields();
        return new PeerConfig(name, address, local.contains(address), List.copyOf(networks), outbound, inbound,
                lifetime, encapsulation, udpPort);
    }

    private static Encapsulation encapsulation(ConfigNode node) throws ConfigException {
        String text = node.string("encapsulation", "none");
        return switch (text) {
            case "none" -> Encapsulation.NONE;
            case "udp" -> Encapsulation.UDP;
            default -> throw node.error("encapsulation", "'" + text + "' must be none (bare ESP) or udp (RFC 3948)");
        };
    }

    public boolean udpEncapsulated() {
        return encapsulation == Encapsulation.UDP;
    }

    /** Soft (warn) and hard (expire) limits for both SAs of the peer; absent fields are unlimited. */
    private static SaLifetime lifetime(ConfigNode node) throws ConfigException {
        // A soft limit left out defaults to its hard limit: no warning before the SA expires.
        long max = SaLifetime.UNLIMITED;
        long maxSeconds = Long.MAX_VALUE / 1_000_000_000L;
        long hardPackets = node.integer("hard_packets", max, 1, max);
        long softPackets = node.integer("soft_packets", hardPackets, 1, max);
        long hardBytes = node.integer("hard_bytes", max, 1, max);
        long softBytes = node.integer("soft_bytes", hardBytes, 1, max);
        long hardSeconds = node.integer("hard_seconds", maxSeconds, 1, maxSeconds);
        long softSeconds = node.integer("soft_seconds", hardSeconds, 1, maxSeconds);
        node.rejectUnknownFields();
        try {
            return new SaLifetime(softPackets, hardPackets, softBytes, hardBytes,
                    softSeconds == maxSeconds ? max : Duration.ofSeconds(softSeconds).toNanos(),
                    hardSeconds == maxSeconds ? max : Duration.ofSeconds(hardSeconds).toNanos());
        } catch (IllegalArgumentException e) {
            throw node.error(null, e.getMessage());
        }
    }
}
