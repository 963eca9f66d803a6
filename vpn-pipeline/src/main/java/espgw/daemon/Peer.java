package espgw.daemon;

import espgw.config.PeerConfig;
import espgw.linux.Inet4Addresses;
import espgw.metrics.PeerTraffic;
import espgw.nat.Ipv4Prefix;
import espgw.sa.SecurityAssociation;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A peer gateway at run time: where its ESP goes, and its two SAs. Also the client key of the
 * server's address pool, so it keeps identity equality.
 *
 * <p>A peer with manual keys has its SAs from the start; an IKE peer has none (its packets count as
 * {@code no_sa}) until IKE installs the negotiated CHILD SA with {@link #install}, and again after the
 * peer deleted it ({@link #uninstall}). The SAs and the
 * encapsulation change only on the event loop; they are volatile so that status reports from other
 * threads see the current ones.
 */
public final class Peer {
    private final PeerConfig config;
    private volatile SecurityAssociation outbound;
    private volatile SecurityAssociation inbound;
    private final PeerTraffic traffic;
    /** The peer's address and configured {@code udp_port}; null if never UDP. */
    private final InetSocketAddress configuredUdpEndpoint;
    /**
     * Where ESP in UDP goes now: the configured endpoint, or the port the peer's NAT maps it to as
     * IKE learned it (RFC 7296 §2.23). Every datagram to the peer names it, so it is built once per
     * change, never per packet. Null if never UDP.
     */
    private volatile InetSocketAddress udpEndpoint;
    private volatile boolean udpEncapsulated;
    /** Set on each datagram sent, cleared by each NAT-keepalive check; only the event loop touches it. */
    private boolean udpSent;

    Peer(PeerConfig config, SecurityAssociation outbound, SecurityAssociation inbound, PeerTraffic traffic) {
        this.config = config;
        this.outbound = outbound;
        this.inbound = inbound;
        this.traffic = traffic;
        this.configuredUdpEndpoint = config.mayUseUdp()
                ? new InetSocketAddress(Inet4Addresses.fromInt(config.address()), config.udpPort()) : null;
        this.udpEndpoint = configuredUdpEndpoint;
        this.udpEncapsulated = config.udpEncapsulated();
    }

    /**
     * Puts a newly negotiated SA pair in force (event loop only) and says whether its ESP travels in
     * UDP; returns the inbound SA it replaces, or null.
     */
    SecurityAssociation install(SecurityAssociation newOutbound, SecurityAssociation newInbound, boolean udp) {
        if (udp && configuredUdpEndpoint == null) {
            throw new IllegalArgumentException(this + " has no UDP port");
        }
        SecurityAssociation replaced = inbound;
        udpEncapsulated = udp;
        inbound = newInbound;
        outbound = newOutbound;
        return replaced;
    }

    /** Takes the SA pair out of service (event loop only): the peer's packets drop as {@code no_sa} again. */
    void uninstall() {
        outbound = null;
        inbound = null;
    }

    PeerConfig config() {
        return config;
    }

    PeerTraffic traffic() {
        return traffic;
    }

    public String name() {
        return config.name();
    }

    /** The peer's outer address, where ESP is sent. */
    public int address() {
        return config.address();
    }

    /** True when ESP to and from this peer travels in UDP (RFC 3948) now. */
    public boolean udpEncapsulated() {
        return udpEncapsulated;
    }

    /** True when ESP to this peer travels or may come to travel in UDP (IKE peers: after NAT detection). */
    boolean mayUseUdp() {
        return configuredUdpEndpoint != null;
    }

    /** Where the peer's datagrams go when ESP travels in UDP; null for a peer that never uses UDP. */
    InetSocketAddress udpEndpoint() {
        return udpEndpoint;
    }

    /** The peer's address and configured {@code udp_port}: where an IKE SA we initiate moves to (§2.23). */
    InetSocketAddress configuredUdpEndpoint() {
        return configuredUdpEndpoint;
    }

    /**
     * Sends ESP in UDP and NAT-keepalives to {@code endpoint} from now on (event loop only): the
     * port an authenticated IKE message of the peer came from. Only the port may differ from the
     * configuration: the peer is known by its configured address.
     */
    void sendUdpTo(InetSocketAddress endpoint) {
        if (configuredUdpEndpoint == null || !configuredUdpEndpoint.getAddress().equals(endpoint.getAddress())) {
            throw new IllegalArgumentException(this + " cannot move to " + endpoint);
        }
        udpEndpoint = endpoint;
    }

    void markUdpSent() {
        udpSent = true;
    }

    /** Whether a datagram went to the peer since the last call (RFC 3948 §4: then it needs no keepalive). */
    boolean takeUdpSent() {
        boolean sent = udpSent;
        udpSent = false;
        return sent;
    }

    public boolean sameSubnet() {
        return config.sameSubnet();
    }

    /** True when {@code innerAddress} is the peer itself or lies in a network behind it. */
    boolean reaches(int innerAddress) {
        if (innerAddress == config.address()) {
            return true;
        }
        for (Ipv4Prefix network : config.networks()) {
            if (network.contains(innerAddress)) {
                return true;
            }
        }
        return false;
    }

    /** The SA for packets to the peer; null while IKE has not negotiated one. */
    public SecurityAssociation outbound() {
        return outbound;
    }

    /** The SA of packets from the peer; null while IKE has not negotiated one. */
    public SecurityAssociation inbound() {
        return inbound;
    }

    /** The SAs in force: none, or outbound and inbound. */
    List<SecurityAssociation> sas() {
        SecurityAssociation out = outbound;
        SecurityAssociation in = inbound;
        return out == null || in == null ? List.of() : List.of(out, in);
    }

    @Override
    public String toString() {
        return name() + " (" + Ipv4Prefix.format(address()) + ")";
    }
}
