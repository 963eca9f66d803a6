package espgw.daemon;

import espgw.sa.SecurityAssociation;
import io.netty.util.collection.IntObjectHashMap;
import java.util.List;

/**
 * Finds the peer for a packet without allocating: by inner destination (outbound) and by the SA
 * a packet was decrypted with (inbound). The peers are fixed at start; the inbound SPIs change when
 * IKE installs an SA ({@link #inboundInstalled}), on the one event loop that also reads them.
 */
public final class PeerDirectory {
    private final List<Peer> peers;
    private final IntObjectHashMap<Peer> byAddress = new IntObjectHashMap<>();
    private final IntObjectHashMap<Peer> byInboundSpi = new IntObjectHashMap<>();

    PeerDirectory(List<Peer> peers) {
        this.peers = List.copyOf(peers);
        for (Peer peer : peers) {
            byAddress.put(peer.address(), peer);
            if (peer.inbound() != null) {
                byInboundSpi.put(peer.inbound().spi(), peer);
            }
        }
    }

    /** After {@link Peer#install}: packets under the peer's new inbound SA count as the peer's. */
    void inboundInstalled(Peer peer, SecurityAssociation inbound) {
        byInboundSpi.put(inbound.spi(), peer);
    }

    /** An inbound SA taken out of service names its peer no more. */
    void inboundRemoved(SecurityAssociation sa) {
        byInboundSpi.remove(sa.spi());
    }

    public List<Peer> all() {
        return peers;
    }

    /** The peer that is, or routes, {@code innerDestination}; null when none does. */
    Peer towards(int innerDestination) {
        Peer peer = byAddress.get(innerDestination);
        if (peer != null) {
            return peer;
        }
        for (int i = 0; i < peers.size(); i++) {
            if (peers.get(i).reaches(innerDestination)) {
                return peers.get(i);
            }
        }
        return null;
    }

    /** The peer whose inbound SA this is; null for an SA that is not (any more) a peer's. */
    Peer ofInbound(SecurityAssociation sa) {
        return sa == null ? null : byInboundSpi.get(sa.spi());
    }
}
