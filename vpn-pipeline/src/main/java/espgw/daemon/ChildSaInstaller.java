package espgw.daemon;

import espgw.ike.session.NegotiatedChildSa;
import espgw.metrics.GatewayMetrics;
import espgw.sa.Direction;
import espgw.sa.KeyLog;
import espgw.sa.MemorySequenceStore;
import espgw.sa.SaDatabase;
import espgw.sa.SaEventListener;
import espgw.sa.SecurityAssociation;
import espgw.sa.SequenceStore;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.IdentityHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a CHILD SA that IKE negotiated in force for its peer, on the event loop: the peer's SA pair
 * and encapsulation, the SA database (inbound lookup by SPI), the peer directory and the metrics.
 *
 * <p>The outbound SA it replaces goes at once. The inbound one it replaces keeps decrypting until
 * the next install (one generation), so packets the peer sent under an SA negotiated at the same
 * moment from its side (both ends initiating) still arrive (RFC 7296 §2.8).
 */
final class ChildSaInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(ChildSaInstaller.class);

    private final PeerDirectory peers;
    private final SaDatabase database;
    private final GatewayMetrics metrics;
    private final SaEventListener events;
    private final Inet4Address local;
    private final KeyLog keyLog;
    /** IKE keys are fresh per SA and never outlive the process, so no reservation needs to persist. */
    private final SequenceStore sequences = new MemorySequenceStore();
    private final Map<Peer, SecurityAssociation> previousInbound = new IdentityHashMap<>();

    /** @param keyLog where keys go for Wireshark, or null */
    ChildSaInstaller(PeerDirectory peers, SaDatabase database, GatewayMetrics metrics, SaEventListener events,
            Inet4Address local, KeyLog keyLog) {
        this.peers = peers;
        this.database = database;
        this.metrics = metrics;
        this.events = events;
        this.local = local;
        this.keyLog = keyLog;
    }

    void install(Peer peer, NegotiatedChildSa child, boolean udp) {
        Inet4Address remote = Gateway.inet(peer.address());
        SecurityAssociation out = child.toBuilder(Direction.OUTBOUND).addresses(local, remote)
                .sequenceStore(sequences).listener(events).build();
        SecurityAssociation in = child.toBuilder(Direction.INBOUND).addresses(local, remote).listener(events).build();
        logKeys(out, child.keymat(Direction.OUTBOUND));
        logKeys(in, child.keymat(Direction.INBOUND));
        // Inbound first: the peer may send under the new SA as soon as it has sent its last message.
        database.install(in);
        SecurityAssociation oldOutbound = peer.outbound();
        SecurityAssociation replacedInbound = peer.install(out, in, udp);
        peers.inboundInstalled(peer);
        database.install(out);
        metrics.saInstalled(peer.name(), out);
        metrics.saInstalled(peer.name(), in);
        LOG.info("SA up: peer {}, {}", peer, out);
        LOG.info("SA up: peer {}, {}", peer, in);
        if (oldOutbound != null) {
            retire(peer, oldOutbound);
        }
        SecurityAssociation dropped = replacedInbound == null ? null : previousInbound.put(peer, replacedInbound);
        if (dropped != null) {
            database.remove(dropped);
            peers.inboundRemoved(dropped);
            retire(peer, dropped);
        }
    }

    /**
     * Takes the pair with this inbound SPI out of service: the one in force (the peer's packets drop as
     * {@code no_sa} until a new one), or the replaced one kept for packets in flight.
     */
    void remove(Peer peer, int inboundSpi) {
        SecurityAssociation replaced = previousInbound.get(peer);
        if (replaced != null && replaced.spi() == inboundSpi) {
            previousInbound.remove(peer);
            takeOut(peer, replaced);
            return;
        }
        SecurityAssociation in = peer.inbound();
        if (in != null && in.spi() == inboundSpi) {
            SecurityAssociation out = peer.outbound();
            peer.uninstall();
            takeOut(peer, out);
            takeOut(peer, in);
        }
    }

    private void takeOut(Peer peer, SecurityAssociation sa) {
        database.remove(sa);
        if (sa.direction() == Direction.INBOUND) {
            peers.inboundRemoved(sa);
        }
        metrics.saRemoved(sa);
        LOG.info("SA down: peer {}, {} after {} packets (removed)", peer, sa, sa.packets());
    }

    private void retire(Peer peer, SecurityAssociation sa) {
        metrics.saRemoved(sa);
        LOG.info("SA down: peer {}, {} after {} packets (replaced)", peer, sa, sa.packets());
    }

    private void logKeys(SecurityAssociation sa, byte[] keymat) {
        if (keyLog == null) {
            return;
        }
        try {
            keyLog.log(sa, keymat);
        } catch (IOException e) {
            LOG.warn("key log: {}", e.getMessage());
        }
    }
}
