package espgw.daemon;

import espgw.ike.session.NegotiatedChildSa;
import espgw.linux.Inet4Addresses;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
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
 *       {@link #REPLACED_INBOUND_GRACE_NANOS} after its pair was deleted (at most
 *       {@link #MAX_REPLACED_INBOUND} per peer, none beyond {@link #REPLACED_INBOUND_MAX_NANOS}).
 * </ul>
 */
final class ChildSaInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(ChildSaInstaller.class);
    /** strongSwan keeps a rekeyed inbound SA 5 s after the delete (charon.delete_rekeyed_delay); so do we. */
    static final long REPLACED_INBOUND_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /**
     * Replaced inbound SAs kept per peer: the old pair and, when both ends rekeyed at once (§2.8.1),
     * the losing new one. A peer that never deletes what it replaced cannot make the list grow.
     */
    static final int MAX_REPLACED_INBOUND = 2;
    /**
     * And never longer than this after it was replaced: a peer that restarted and set up a new IKE SA
     * never deletes the old pair, whose keys should not stay good for long.
     */
    static final long REPLACED_INBOUND_MAX_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final Collection<Replaced> NONE_REPLACED = List.of();

    private final PeerDirectory peers;
    private final SaDatabase database;
    private final GatewayMetrics metrics;
    private final SaEventListener events;
    private final Inet4Address local;
    private final KeyLog keyLog;
    private final Clock clock;
    /** IKE keys are fresh per SA and never outlive the process, so no reservation needs to persist. */
    private final SequenceStore sequences = new MemorySequenceStore();
    private final Map<Peer, Collection<Replaced>> replacedInbound = new IdentityHashMap<>();
    private final Map<Peer, Pending> pending = new IdentityHashMap<>();

    /** A replaced inbound SA still decrypting, and until when: sooner once its pair is deleted. */
    private static final class Replaced {
        final SecurityAssociation sa;
        boolean deleted;
        long removeAtNanos;

        Replaced(SecurityAssociation sa, long removeAtNanos) {
            this.sa = sa;
            this.removeAtNanos = removeAtNanos;
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
        Inet4Address remote = Inet4Addresses.fromInt(peer.address());
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
        for (Replaced replaced : replacedInbound.getOrDefault(peer, NONE_REPLACED)) {
            if (replaced.sa.spi() == inboundSpi && !replaced.deleted) {
                replaced.deleted = true;
                long graceOver = clock.nanoTime() + REPLACED_INBOUND_GRACE_NANOS;
                replaced.removeAtNanos = graceOver - replaced.removeAtNanos < 0 ? graceOver : replaced.removeAtNanos;
            }
        }
    }

    /** Called a few times a second: takes out the replaced inbound SAs whose time is up. */
    void onTimer() {
        long now = clock.nanoTime();
        replacedInbound.forEach((peer, replaced) -> replaced.removeIf(old -> {
            if (now - old.removeAtNanos >= 0) {
                takeOut(peer, old.sa);
                return true;
            }
            return false;
        }));
        replacedInbound.values().removeIf(Collection::isEmpty);
    }

    /**
     * The peer's SAs for {@code espgw status} (event loop): the pair in force, a pending pair of the
     * peer's rekey and the replaced inbound SAs still decrypting.
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
        for (Replaced replaced : replacedInbound.getOrDefault(peer, NONE_REPLACED)) {
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
            Collection<Replaced> replaced = replacedInbound.computeIfAbsent(peer, p -> new ArrayDeque<>());
            replaced.add(new Replaced(oldInbound, clock.nanoTime() + REPLACED_INBOUND_MAX_NANOS));
            if (replaced.size() > MAX_REPLACED_INBOUND) {
                Iterator<Replaced> oldest = replaced.iterator();
                SecurityAssociation dropped = oldest.next().sa;
                oldest.remove();
                database.remove(dropped);
                peers.inboundRemoved(dropped);
                retire(peer, dropped);
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
