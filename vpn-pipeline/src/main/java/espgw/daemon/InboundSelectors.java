package espgw.daemon;

import espgw.config.PeerConfig;
import espgw.ike.message.TrafficSelector;
import espgw.ike.session.NegotiatedChildSa;
import espgw.nat.Ipv4Prefix;
import espgw.sa.SaSelectors;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The selectors of a peer's inbound SA (RFC 4301 §5.2): which inner sources and destinations its
 * decrypted packets may carry.
 */
final class InboundSelectors {
    private InboundSelectors() {
    }

    /**
     * Manual keys: from the peer itself or the networks behind it (its {@code networks}), to any
     * destination, since the config names no networks behind this gateway. The peer's own address is
     * always admitted: in every role the peer's packets come from it (a client's requests, a server's
     * replies).
     */
    static SaSelectors of(PeerConfig peer) {
        SaSelectors.Builder selectors = SaSelectors.builder().source(peer.address(), peer.address()).destination(0, -1);
        for (Ipv4Prefix network : peer.networks()) {
            selectors.source(network.network(), network.network() | ~network.mask());
        }
        return selectors.build();
    }

    /**
     * IKE: from the peer's traffic selectors to ours, as negotiated (RFC 7296 §2.9), IPv4 ranges only
     * (the inner packets are IPv4).
     */
    static SaSelectors of(NegotiatedChildSa child) {
        SaSelectors.Builder selectors = SaSelectors.builder();
        for (TrafficSelector remote : ipv4(child.remoteTrafficSelectors())) {
            selectors.source(address(remote.startAddress()), address(remote.endAddress()));
        }
        for (TrafficSelector local : ipv4(child.localTrafficSelectors())) {
            selectors.destination(address(local.startAddress()), address(local.endAddress()));
        }
        return selectors.build();
    }

    private static List<TrafficSelector> ipv4(List<TrafficSelector> selectors) {
        return selectors.stream().filter(ts -> ts.tsType() == TrafficSelector.TS_IPV4_ADDR_RANGE).toList();
    }

    private static int address(byte[] ipv4) {
        return ByteBuffer.wrap(ipv4).getInt();
    }
}
