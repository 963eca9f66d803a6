package espgw.daemon;

import espgw.ike.session.NegotiatedChildSa;
import espgw.metrics.GatewayMetrics;
import espgw.metrics.StatusReport;
import espgw.sa.Clock;
import espgw.sa.Direction;
import espgw.sa.KeyLog;
import espgw.sa.MemorySequenceStore;
import espgw.sa.SaDatabase;
import espgw.sa.SaEventListener;
import espgw.sa.SecurityAssociation;
import espgw.sa.SequenceStore;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a CHILD SA that IKE negotiated in force for its peer, on the event loop: the peer's SA pair
 * and encapsulation, the SA database (inbound lookup by SPI), the peer directory and the metrics.
 *
 * <p>A rekey loses no packet (RFC 7296 §2.8, make-before-break):
 * <ul>
 *   <li>A new inbound SA decrypts at once: the peer may send under it as soon as it has the keys.
 *   <li>Our own rekey's outbound SA replaces the old one at once: the peer installed the new pair
 *       before it answered. The peer's rekey's outbound SA waits until the peer deletes the old pair,
 *       which it does once it has our answer and has installed the new pair itself.
 *   <li>A replaced inbound SA keeps decrypting, for packets still on their way, until
 *       {@link #REPLACED_INBOUND_GRACE_NANOS} after its pair was deleted or until the next install.
 * </ul>
 */
final class ChildSaInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(ChildSaInstaller.class);
    /** strongSwan keeps a rekeyed inbound SA 5 s after the delete (charon.delete_rekeyed_delay); so do we. */
    static final long REPLACED_INBOUND_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final PeerDirectory peers;
    private final SaDatabase database;
    private final GatewayMetrics metrics;
    private final SaEventListener events;
    private final Inet4Address local;
    private final KeyLog keyLog;
    private final Clock clock;
    /** IKE keys are fresh per SA and never outlive the process, so no reservation needs to persist. */
    private final SequenceStore sequences = new MemorySequenceStore();
    private final Map<Peer, Replaced> replacedInbound = new IdentityHashMap<>();
    private final Map<Peer, Pending> pending = new IdentityHashMap<>();

    /** A replaced inbound SA still decrypting; {@code removeAtNanos} counts once {@code deleted}. */
    private static final class Replaced {
        final SecurityAssociation sa;
        boolean deleted;
        long removeAtNanos;

        Replaced(SecurityAssociation sa) {
            this.sa = sa;
        }
    }

    /** The peer's rekey's pair, its inbound SA decrypting, its outbound SA waiting for the old pair's delete. */
    private record Pending(SecurityAssociation outbound, SecurityAssociation inbound, boolean udp) {
    }

    /** @param keyLog where keys go for Wireshark, or null */
    ChildSaInstaller(PeerDirectory peers, SaDatabase database, GatewayMetrics metrics, SaEventListener events,
            Inet4Address local, KeyLog keyLog, Clock clock) {
        this.peers = peers;
        this.database = database;
        this.metrics = metrics;
        this.events = events;
        this.local = local;
        this.keyLog = keyLog;
        this.clock = clock;
    }

    /** @param rekeyedByPeer the peer's rekey made the pair (see {@code IkeEvent.ChildSaInstalled}) */
    void install(Peer peer, NegotiatedChildSa child, boolean udp, boolean rekeyedByPeer) {
        Inet4Address remote = Gateway.inet(peer.address());
        SecurityAssociation out = child.toBuilder(Direction.OUTBOUND).addresses(local, remote)
                .sequenceStore(sequences).listener(events).build();
        SecurityAssociation in = child.toBuilder(Direction.INBOUND).addresses(local, remote)
                .selectors(InboundSelectors.of(child)).listener(events).build();
        logKeys(out, child.keymat(Direction.OUTBOUND));
        logKeys(in, child.keymat(Direction.INBOUND));
        database.install(in);
        peers.inboundInstalled(peer, in);
        metrics.saInstalled(peer.name(), in);
        LOG.info("SA up: peer {}, {}", peer, in);
        if (rekeyedByPeer && peer.outbound() != null) {
            Pending superseded = pending.put(peer, new Pending(out, in, udp));
            if (superseded != null) {
                takeOut(peer, superseded.inbound());
            }
        } else {
            putInForce(peer, out, in, udp);
        }
    }

    /**
     * Takes the pair with this inbound SPI out of service: a pending one, the one in force (replaced by
     * a pending one, or else gone: the peer's packets drop as {@code no_sa} until a new one), or a
     * replaced one kept for packets in flight (after the grace).
     */
    void remove(Peer peer, int inboundSpi) {
        Pending waiting = pending.get(peer);
        if (waiting != null && waiting.inbound().spi() == inboundSpi) {
            pending.remove(peer);
            takeOut(peer, waiting.inbound());
            return;
        }
        SecurityAssociation in = peer.inbound();
        if (in != null && in.spi() == inboundSpi) {
            if (waiting != null) {
                pending.remove(peer);
                putInForce(peer, waiting.outbound(), waiting.inbound(), waiting.udp());
            } else {
                SecurityAssociation out = peer.outbound();
                peer.uninstall();
                takeOut(peer, out);
                takeOut(peer, in);
                return;
            }
        }
        Replaced replaced = replacedInbound.get(peer);
        if (replaced != null && replaced.sa.spi() == inboundSpi && !replaced.deleted) {
            replaced.deleted = true;
            replaced.removeAtNanos = clock.nanoTime() + REPLACED_INBOUND_GRACE_NANOS;
        }
    }

    /** Called a few times a second: takes out the replaced inbound SAs whose grace is over. */
    void onTimer() {
        long now = clock.nanoTime();
        replacedInbound.entrySet().removeIf(entry -> {
            Replaced replaced = entry.getValue();
            if (replaced.deleted && now - replaced.removeAtNanos >= 0) {
                takeOut(entry.getKey(), replaced.sa);
                return true;
            }
            return false;
        });
    }

    /**
     * The peer's SAs for {@code espgw status} (event loop): the pair in force, a pending pair of the
     * peer's rekey and a replaced inbound SA still decrypting.
     */
    List<StatusReport.Sa> status(Peer peer) {
        List<StatusReport.Sa> sas = new ArrayList<>();
        for (SecurityAssociation sa : peer.sas()) {
            sas.add(StatusReport.Sa.of(sa, StatusReport.Sa.ACTIVE));
        }
        Pending waiting = pending.get(peer);
        if (waiting != null) {
            sas.add(StatusReport.Sa.of(waiting.outbound(), StatusReport.Sa.PENDING));
            sas.add(StatusReport.Sa.of(waiting.inbound(), StatusReport.Sa.PENDING));
        }
        Replaced replaced = replacedInbound.get(peer);
        if (replaced != null) {
            sas.add(StatusReport.Sa.of(replaced.sa, StatusReport.Sa.REPLACED));
        }
        return sas;
    }

    private void putInForce(Peer peer, SecurityAssociation out, SecurityAssociation in, boolean udp) {
        SecurityAssociation oldOutbound = peer.outbound();
        SecurityAssociation oldInbound = peer.install(out, in, udp);
        database.install(out);
        metrics.saInstalled(peer.name(), out);
        LOG.info("SA up: peer {}, {}", peer, out);
        if (oldOutbound != null) {
            retire(peer, oldOutbound);
        }
        if (oldInbound != null) {
            Replaced dropped = replacedInbound.put(peer, new Replaced(oldInbound));
            if (dropped != null) {
                database.remove(dropped.sa);
                peers.inboundRemoved(dropped.sa);
                retire(peer, dropped.sa);
            }
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
