package espgw.config;

import espgw.linux.host.HostNetwork;
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
 * @param local         this host's outer address and the LAN subnet it is on
 * @param offsetNetwork where same-subnet peers get their fake addresses (seed scenario 2)
 * @param clientPool    server: the fake source addresses given to clients
 */
public record GatewayConfig(
        String instance,
        Role role,
        Ipv4Cidr local,
        Ipv4Cidr offsetNetwork,
        Ipv4Cidr clientPool,
        TunnelConfig tunnel,
        List<PeerConfig> peers,
        Path stateDir,
        int metricsPort) {

    public enum Role { CLIENT, SERVER }

    /** @param mtu 0 means: derive from the outer MTU and the ESP overhead */
    public record TunnelConfig(String device, int mtu, int outerMtu, int fwmark, int routeTable) {
    }

    public static final String DEFAULT_INSTANCE = HostNetwork.DEFAULT_INSTANCE;
    public static final String DEFAULT_CLIENT_POOL = "100.64.0.0/16";
    public static final int DEFAULT_OUTER_MTU = 1500;
    public static final int DEFAULT_METRICS_PORT = 9587;
    /** The mark on espgw's own ESP packets, and the routing table holding the tunnel routes. */
    public static final int DEFAULT_FWMARK = 0xe59;
    public static final int DEFAULT_ROUTE_TABLE = 0xe59;

    public static GatewayConfig load(Path file) throws ConfigException {
        return from(ConfigFile.read(file));
    }

    static GatewayConfig from(ConfigNode root) throws ConfigException {
        String instance = root.string("instance", DEFAULT_INSTANCE);
        if (!instance.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,14}")) {
            throw root.error("instance", "'" + instance + "' must be 1-15 letters, digits, '-' or '_'");
        }
        Role role = parseRole(root);
        Ipv4Cidr local = cidr(root, "local", null);
        if (local.prefixLength() == 32) {
            throw root.error("local", "give the LAN prefix too, e.g. " + local.toString().replace("/32", "/24"));
        }
        Ipv4Cidr offset = cidr(root, "offset_network", defaultOffset(local));
        if (offset.prefixLength() != local.prefixLength()) {
            throw root.error("offset_network", offset + " must have the same prefix length as local (" + local.network()
                    + ") so that each peer keeps its host bits");
        }
        if (offset.overlaps(local)) {
            throw root.error("offset_network", offset.network() + " overlaps the local subnet " + local.network());
        }
        Ipv4Cidr pool = cidr(root, "client_pool", DEFAULT_CLIENT_POOL).network();
        if (pool.overlaps(local) || pool.overlaps(offset)) {
            throw root.error("client_pool", pool + " overlaps the local subnet or the offset network");
        }
        TunnelConfig tunnel = tunnel(root.optionalChild("tunnel"), instance);
        Path stateDir = Path.of(root.string("state_dir", HostNetwork.DEFAULT_STATE_DIR));
        int metricsPort = (int) root.integer("metrics_port", DEFAULT_METRICS_PORT, 0, 65535);
        List<PeerConfig> peers = new ArrayList<>();
        for (ConfigNode peer : root.children("peers")) {
            peers.add(PeerConfig.from(peer, local));
        }
        if (peers.isEmpty()) {
            throw root.error("peers", "at least one peer is required");
        }
        checkUnique(root, peers);
        root.rejectUnknownFields();
        return new GatewayConfig(instance, role, local, offset.network(), pool, tunnel, List.copyOf(peers),
                stateDir, metricsPort);
    }

    /** The block of the same size right after the local subnet: 10.0.0.0/24 gives 10.0.1.0/24. */
    static String defaultOffset(Ipv4Cidr local) {
        Ipv4Cidr network = local.network();
        return new Ipv4Cidr((int) (Integer.toUnsignedLong(network.address()) + network.size()), network.prefixLength())
                .toString();
    }

    private static Role parseRole(ConfigNode root) throws ConfigException {
        String role = root.string("role", "client");
        return switch (role) {
            case "client" -> Role.CLIENT;
            case "server" -> Role.SERVER;
            default -> throw root.error("role", "'" + role + "' must be client or server");
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
        node.rejectUnknownFields();
        return new TunnelConfig(device, mtu, outerMtu, fwmark, table);
    }

    static Ipv4Cidr cidr(ConfigNode node, String field, String defaultValue) throws ConfigException {
        String text = defaultValue == null ? node.string(field) : node.string(field, defaultValue);
        try {
            return Ipv4Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw node.error(field, e.getMessage());
        }
    }

    private static void checkUnique(ConfigNode root, List<PeerConfig> peers) throws ConfigException {
        Set<String> names = new HashSet<>();
        Set<Integer> addresses = new HashSet<>();
        Set<Long> inboundSpis = new HashSet<>();
        for (int i = 0; i < peers.size(); i++) {
            PeerConfig peer = peers.get(i);
            String at = "peers[" + i + "]";
            if (!names.add(peer.name())) {
                throw root.error(at + ".name", "'" + peer.name() + "' is used by two peers");
            }
            if (!addresses.add(peer.address())) {
                throw root.error(at + ".address", Ipv4Cidr.format(peer.address()) + " is used by two peers");
            }
            if (!inboundSpis.add(peer.inbound().spi())) {
                throw root.error(at + ".sa.inbound.spi", "0x" + Long.toHexString(peer.inbound().spi())
                        + " is used by two peers: inbound SPIs must be unique on this gateway");
            }
        }
    }
}
