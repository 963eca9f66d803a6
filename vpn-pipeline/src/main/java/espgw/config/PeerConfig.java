package espgw.config;

import espgw.nat.Ipv4Prefix;
import espgw.sa.ManualSa;
import espgw.sa.SaLifetime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer gateway: its outer address, the inner networks reached through it, and how its SAs are
 * keyed: manual SAs in both directions ({@code sa:}) or IKEv2 ({@code ike:}).
 *
 * @param sameSubnet the peer is on this host's LAN subnet, so it is reached through its offset
 *                   address (seed scenario 2) rather than through routes (scenario 1)
 * @param networks   inner networks behind the peer, routed into the tunnel; the peer's own
 *                   address is always protected and need not be listed
 * @param encapsulation how ESP travels to and from the peer
 * @param udpPort    with {@link Encapsulation#UDP}: the peer's UDP port (the gateway's own port
 *                   unless given); 0 with {@link Encapsulation#NONE} unless IKE may float to it
 * @param outbound   manual key of the outbound SA; null for an IKE peer
 * @param inbound    manual key of the inbound SA; null for an IKE peer
 * @param ike        null for a peer with manual keys
 */
public record PeerConfig(String name, int address, boolean sameSubnet, List<Ipv4Prefix> networks,
                         ManualSa outbound, ManualSa inbound, SaLifetime lifetime,
                         Encapsulation encapsulation, int udpPort, IkeConfig ike) {

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
        if (node.has("sa") == node.has("ike")) {
            throw node.error(null, "give exactly one of sa (manual keys) or ike (keys negotiated with IKEv2)");
        }
        ManualSa outbound = null;
        ManualSa inbound = null;
        SaLifetime lifetime = SaLifetime.NONE;
        IkeConfig ike = null;
        if (node.has("sa")) {
            ConfigNode sa = node.child("sa");
            outbound = SaConfig.from(sa.child("outbound"));
            inbound = SaConfig.from(sa.child("inbound"));
            lifetime = lifetime(sa.optionalChild("lifetime"));
            sa.rejectUnknownFields();
        } else {
            ike = IkeConfig.from(node.child("ike"), localAddress, address, networks);
        }
        Encapsulation encapsulation = encapsulation(node);
        int udpPort = 0;
        // IKE moves ESP into UDP when it detects a NAT (RFC 7296 §2.23), so an IKE peer always has a UDP port.
        if (encapsulation == Encapsulation.UDP || ike != null) {
            udpPort = (int) node.integer("udp_port", gatewayUdpPort, 1, 65535);
        } else if (node.has("udp_port")) {
            throw node.error("udp_port", "applies only with encapsulation: udp or with ike");
        }
        node.rejectUnknownFields();
        return new PeerConfig(name, address, local.contains(address), List.copyOf(networks), outbound, inbound,
                lifetime, encapsulation, udpPort, ike);
    }

    private static Encapsulation encapsulation(ConfigNode node) throws ConfigException {
        String text = node.string("encapsulation", "none");
        return switch (text) {
            case "none" -> Encapsulation.NONE;
            case "udp" -> Encapsulation.UDP;
            default -> throw node.error("encapsulation", "'" + text + "' must be none (bare ESP) or udp (RFC 3948)");
        };
    }

    /** True when ESP to this peer always travels in UDP ({@code encapsulation: udp}). */
    public boolean udpEncapsulated() {
        return encapsulation == Encapsulation.UDP;
    }

    /** True when ESP to this peer travels, or may come to travel, in UDP: forced, or after IKE's NAT detection. */
    public boolean mayUseUdp() {
        return udpPort != 0;
    }

    public boolean keyedByIke() {
        return ike != null;
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
