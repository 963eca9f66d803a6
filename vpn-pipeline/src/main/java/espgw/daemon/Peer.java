package espgw.daemon;

import espgw.config.PeerConfig;
import espgw.metrics.PeerTraffic;
import espgw.nat.Ipv4Prefix;
import espgw.sa.SecurityAssociation;
import java.net.InetSocketAddress;

/**
 * A peer gateway at run time: where its ESP goes, and its two SAs. Also the client key of the
 * server's address pool, so it keeps identity equality.
 */
public final class Peer {
    private final PeerConfig config;
    private final SecurityAssociation outbound;
    private final SecurityAssociation inbound;
    private final PeerTraffic traffic;
    /** Built once: every datagram to the peer names it, and none may allocate one. */
    private final InetSocketAddress udpEndpoint;
    /** Set on each datagram sent, cleared by each NAT-keepalive check; only the event loop touches it. */
    private boolean udpSent;

    Peer(PeerConfig config, SecurityAssociation outbound, SecurityAssociation inbound, PeerTraffic traffic) {
        this.config = config;
        this.outbound = outbound;
        this.inbound = inbound;
        this.traffic = traffic;
        this.udpEndpoint = config.udpEncapsulated()
                ? new InetSocketAddress(outbound.peer(), config.udpPort()) : null;
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

    /** True when ESP to and from this peer travels in UDP (RFC 3948). */
    public boolean udpEncapsulated() {
        return udpEndpoint != null;
    }

    /** With UDP encapsulation: the peer's address and port, where its datagrams go; else null. */
    InetSocketAddress udpEndpoint() {
        return udpEndpoint;
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

    public SecurityAssociation outbound() {
        return outbound;
    }

    public SecurityAssociation inbound() {
        return inbound;
    }

    @Override
    public String toString() {
        return name() + " (" + Ipv4Prefix.format(address()) + ")";
    }
}
