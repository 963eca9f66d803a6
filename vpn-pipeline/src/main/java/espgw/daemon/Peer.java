package espgw.daemon;

import espgw.config.PeerConfig;
import espgw.metrics.PeerTraffic;
import espgw.nat.Ipv4Prefix;
import espgw.sa.SecurityAssociation;

/**
 * A peer gateway at run time: where its ESP goes, and its two SAs. Also the client key of the
 * server's address pool, so it keeps identity equality.
 */
public final class Peer {
    private final PeerConfig config;
    private final SecurityAssociation outbound;
    private final SecurityAssociation inbound;
    private final PeerTraffic traffic;

    Peer(PeerConfig config, SecurityAssociation outbound, SecurityAssociation inbound, PeerTraffic traffic) {
        this.config = config;
        this.outbound = outbound;
        this.inbound = inbound;
        this.traffic = traffic;
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
