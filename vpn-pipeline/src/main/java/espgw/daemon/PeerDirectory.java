package espgw.daemon;

import espgw.sa.SecurityAssociation;
import io.netty.util.collection.IntObjectHashMap;
import java.util.List;

/**
 * Finds the peer for a packet without allocating: by inner destination (outbound) and by the SA
 * a packet was decrypted with (inbound). Built once at start and never changed, so it is shared by
 * every event loop without locks.
 */
public final class PeerDirectory {
    private final List<Peer> peers;
    private final IntObjectHashMap<Peer> byAddress = new IntObjectHashMap<>();
    private final IntObjectHashMap<Peer> byInboundSpi = new IntObjectHashMap<>();

    PeerDirectory(List<Peer> peers) {
        this.peers = List.copyOf(peers);
        for (Peer peer : peers) {
            byAddress.put(peer.address(), peer);
            byInboundSpi.put(peer.inbound().spi(), peer);
        }
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
