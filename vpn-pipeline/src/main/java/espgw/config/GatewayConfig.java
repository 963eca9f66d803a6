package espgw.config;

import espgw.linux.host.HostNetwork;
import espgw.nat.Ipv4Prefix;
import espgw.wire.UdpEncapsulation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One gateway's configuration (the file given to {@code espgw up -c FILE}); field by field in
 * {@code deploy/examples/README.md}. Everything not given has a default derived from what is:
 * the offset network follows the local subnet, the tunnel MTU follows the algorithm.
 *
 * @param instance      names the journal, the lock and (by default) the TUN device
 * @param role          {@link Role#CLIENT} reaches its peers' services; {@link Role#SERVER} serves clients
 * @param localAddress  this host's outer address
 * @param localSubnet   the LAN subnet it is on
 * @param offsetNetwork where same-subnet peers get their fake addresses (seed scenario 2)
 * @param sameSubnet    client: how packets to same-subnet peers are steered into the tunnel
 * @param clientPool    server: the fake source addresses given to clients
 * @param stateDir      journal and lock (tmpfs: host changes do not survive a reboot either)
 * @param sequenceDir   outbound sequence-number reservations, on persistent storage, so that an
 *                      IV is never reused under a manual key, not even after a reboot
 * @param ikeLimits     half-open IKE SAs and cookies (section {@code ike_limits})
 */
public record GatewayConfig(
        String instance,
        Role role,
        int localAddress,
        Ipv4Prefix localSubnet,
        Ipv4Prefix offsetNetwork,
        SameSubnet sameSubnet,
        Ipv4Prefix clientPool,
        TunnelConfig tunnel,
        List<PeerConfig> peers,
        Path stateDir,
        Path sequenceDir,
        int metricsPort,
        IkeLimits ikeLimits) {

    public enum Role { CLIENT, SERVER }

    /**
     * {@link #OFFSET}: the seed's scheme, netfilter DNATs each packet to the peer's offset address,
     * routed into the tunnel, and conntrack un-NATs the replies. {@link #ROUTE}: a host route to
     * the peer's real address in espgw's table, which the policy rule puts before the LAN's own
     * route; no NAT, so no conntrack lookup and no second route lookup for every packet the host
     * sends.
     */
    public enum SameSubnet { OFFSET, ROUTE }

    /**
     * @param mtu                 0 means: derive from the outer MTU and the ESP overhead
     * @param udpPort             local port of ESP in UDP (RFC 3948), bound only when a peer uses it
     * @param natKeepaliveSeconds interval of NAT-keepalives to idle UDP peers; 0 sends none
     * @param offload             TUN offloads: TCP super-packets in both directions (IFF_VNET_HDR, TUNSETOFFLOAD)
     * @param busyPollMicros      how long the event loop stays awake, polling, after a quiet spell (at most a
     *                            tenth of its time); 0: never
     */
    public record TunnelConfig(String device, int mtu, int outerMtu, int fwmark, int routeTable, int udpPort,
                               int natKeepaliveSeconds, boolean offload, int busyPollMicros) {
    }

    public static final String DEFAULT_INSTANCE = HostNetwork.DEFAULT_INSTANCE;
    public static final String DEFAULT_CLIENT_POOL = "100.64.0.0/16";
    public static final int DEFAULT_OUTER_MTU = 1500;
    public static final int DEFAULT_METRICS_PORT = 9587;
    public static final String DEFAULT_SEQUENCE_DIR = "/var/lib/espgw";
    /** The mark on espgw's own ESP packets, and the routing table holding the tunnel routes. */
    public static final int DEFAULT_FWMARK = 0xe59;
    public static final int DEFAULT_ROUTE_TABLE = 0xe59;
    /** A LAN round trip through two gateways, with room: a ping's reply finds the loop awake. */
    public static final int DEFAULT_BUSY_POLL_MICROS = 1000;
    /** The longest busy-poll window: beyond a LAN round trip or two, polling only burns CPU. */
    public static final int MAX_BUSY_POLL_MICROS = 10_000;

    /**
     * True when any peer uses, or may come to use (IKE peers), ESP in UDP, so the gateway needs its
     * UDP socket: IKE shares it after a NAT is detected (RFC 7296 §2.23).
     */
    public boolean anyUdpPeer() {
        return peers.stream().anyMatch(PeerConfig::mayUseUdp);
    }

    /** True when packets to this peer are DNATed to its offset address and back (seed scenario 2). */
    public boolean reachedThroughOffset(PeerConfig peer) {
        return role == Role.CLIENT && sameSubnet == SameSubnet.OFFSET && peer.sameSubnet();
    }

    /** True when any peer is keyed by IKEv2, so the gateway needs its IKE socket on UDP port 500. */
    public boolean anyIkePeer() {
        return peers.stream().anyMatch(PeerConfig::keyedByIke);
    }

    public static GatewayConfig load(Path file) throws ConfigException {
        return from(ConfigFile.read(file));
    }

    static GatewayConfig from(ConfigNode root) throws ConfigException {
        String instance = root.string("instance", DEFAULT_INSTANCE);
        if (!instance.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,14}")) {
            throw root.error("instance", "'" + instance + "' must be 1-15 letters, digits, '-' or '_'");
        }
        Role role = parseRole(root);
        String localText = root.string("local");
        int slash = localText.indexOf('/');
        if (slash < 0) {
            throw root.error("local", "give the LAN prefix too, e.g. " + localText + "/24");
        }
        int localAddress = address(root, "local", localText.substring(0, slash));
        Ipv4Prefix local = prefix(root, "local", hostBitsCleared(localAddress, localText.substring(slash + 1)));
        if (local.length() == 32) {
            throw root.error("local", "a /32 has no LAN: give the subnet's prefix length");
        }
        SameSubnet sameSubnet = parseSameSubnet(root);
        if (role == Role.SERVER) {
            refuse(root, "applies only to role: client (a server reaches its clients through client_pool)",
                    "same_subnet", "offset_network");
        } else {
            refuse(root, "applies only to role: server (a client's packets keep their own source address)",
                    "client_pool");
        }
        if (sameSubnet == SameSubnet.ROUTE && root.has("offset_network")) {
            throw root.error("offset_network", "applies only with same_subnet: offset");
        }
        Ipv4Prefix offset = prefix(root, "offset_network", root.string("offset_network", defaultOffset(local)));
        if (offset.length() != local.length()) {
            throw root.error("offset_network", offset + " must have the same prefix length as local (" + local
                    + ") so that each peer keeps its host bits");
        }
        if (offset.overlaps(local)) {
            throw root.error("offset_network", offset + " overlaps the local subnet " + local);
        }
        Ipv4Prefix pool = prefix(root, "client_pool", root.string("client_pool", DEFAULT_CLIENT_POOL));
        if (role == Role.SERVER && pool.overlaps(local)) {
            throw root.error("client_pool", pool + " overlaps the local subnet " + local);
        }
        TunnelConfig tunnel = tunnel(root.optionalChild("tunnel"), instance);
        Path stateDir = Path.of(root.string("state_dir", HostNetwork.DEFAULT_STATE_DIR));
        Path sequenceDir = Path.of(root.string("sequence_dir", DEFAULT_SEQUENCE_DIR));
        int metricsPort = (int) root.integer("metrics_port", DEFAULT_METRICS_PORT, 0, 65535);
        List<PeerConfig> peers = new ArrayList<>();
        for (ConfigNode peer : root.children("peers")) {
            peers.add(PeerConfig.from(peer, localAddress, local, tunnel.udpPort()));
        }
        if (peers.isEmpty()) {
            throw root.error("peers", "at least one peer is required");
        }
        checkUnique(root, peers);
        IkeLimits ikeLimits = IkeLimits.from(root.optionalChild("ike_limits"));
        root.rejectUnknownFields();
        return new GatewayConfig(instance, role, localAddress, local, offset, sameSubnet, pool, tunnel,
                List.copyOf(peers), stateDir, sequenceDir, metricsPort, ikeLimits);
    }

    /** The block of the same size right after the local subnet: 10.0.0.0/24 gives 10.0.1.0/24. */
    static String defaultOffset(Ipv4Prefix local) {
        return Ipv4Prefix.format((int) (Integer.toUnsignedLong(local.network()) + local.size())) + "/" + local.length();
    }

    private static String hostBitsCleared(int address, String length) {
        try {
            int bits = Integer.parseInt(length.trim());
            int mask = bits <= 0 ? 0 : bits >= 32 ? -1 : -1 << (32 - bits);
            return Ipv4Prefix.format(address & mask) + "/" + length.trim();
        } catch (NumberFormatException e) {
            return "0.0.0.0/" + length; // let prefix() report the bad length
        }
    }

    static int address(ConfigNode node, String field, String text) throws ConfigException {
        try {
            return Ipv4Prefix.parseAddress(text.trim());
        } catch (IllegalArgumentException e) {
            throw node.error(field, e.getMessage());
        }
    }

    static Ipv4Prefix prefix(ConfigNode node, String field, String text) throws ConfigException {
        try {
            return Ipv4Prefix.parse(text.trim());
        } catch (IllegalArgumentException e) {
            throw node.error(field, e.getMessage());
        }
    }

    private static Role parseRole(ConfigNode root) throws ConfigException {
        String role = root.string("role", "client");
        return switch (role) {
            case "client" -> Role.CLIENT;
            case "server" -> Role.SERVER;
            default -> throw root.error("role", "'" + role + "' must be client or server");
        };
    }

    /** Refuses the first of {@code fields} that {@code node} sets, for {@code reason}. */
    private static void refuse(ConfigNode node, String reason, String... fields) throws ConfigException {
        for (String field : fields) {
            if (node.has(field)) {
                throw node.error(field, reason);
            }
        }
    }

    private static SameSubnet parseSameSubnet(ConfigNode root) throws ConfigException {
        String steering = root.string("same_subnet", "offset");
        return switch (steering) {
            case "offset" -> SameSubnet.OFFSET;
            case "route" -> SameSubnet.ROUTE;
            default -> throw root.error("same_subnet", "'" + steering + "' must be offset or route");
        };
    }

    private static TunnelConfig tunnel(ConfigNode node, String instance) throws ConfigException {
        String device = node.string("device", instance);
        if (device.length() > 15) {
            throw node.error("device", "'" + device + "' is longer than 15 characters (IFNAMSIZ)");
        }
        int mtu = (int) node.integer("mtu", 0, 576, 65535 - 100);
        int outerMtu = (int) node.integer("outer_mtu", DEFAULT_OUTER_MTU, 576, 65535);
        int fwmark = (int) node.integer("fwmark", DEFAULT_FWMARK, 1, 0xffffffffL);
        int table = (int) node.integer("route_table", DEFAULT_ROUTE_TABLE, 1, 0xfffffffeL);
        int udpPort = (int) node.integer("udp_port", UdpEncapsulation.NAT_T_PORT, 1, 65535);
        int keepalive = (int) node.integer("nat_keepalive", UdpEncapsulation.DEFAULT_NAT_KEEPALIVE_SECONDS, 0, 3600);
        boolean offload = node.bool("offload", true);
        int busyPoll = (int) node.integer("busy_poll", DEFAULT_BUSY_POLL_MICROS, 0, MAX_BUSY_POLL_MICROS);
        node.rejectUnknownFields();
        return new TunnelConfig(device, mtu, outerMtu, fwmark, table, udpPort, keepalive, offload, busyPoll);
    }

    private static void checkUnique(ConfigNode root, List<PeerConfig> peers) throws ConfigException {
        Set<String> names = new HashSet<>();
        Set<Integer> addresses = new HashSet<>();
        Set<Integer> inboundSpis = new HashSet<>();
        for (int i = 0; i < peers.size(); i++) {
            PeerConfig peer = peers.get(i);
            String at = "peers[" + i + "]";
            if (!names.add(peer.name())) {
                throw root.error(at + ".name", "'" + peer.name() + "' is used by two peers");
            }
            if (!addresses.add(peer.address())) {
                throw root.error(at + ".address", Ipv4Prefix.format(peer.address()) + " is used by two peers");
            }
            if (peer.inbound() != null && !inboundSpis.add(peer.inbound().spi())) {
                throw root.error(at + ".sa.inbound.spi", "0x" + Integer.toHexString(peer.inbound().spi())
                        + " is used by two peers: inbound SPIs must be unique on this gateway");
            }
        }
    }
}
