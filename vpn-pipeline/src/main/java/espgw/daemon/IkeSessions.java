package espgw.daemon;

import espgw.config.IkeConfig;
import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.NotifyType;
import espgw.ike.message.TrafficSelector;
import espgw.ike.session.IkeSessionConfig;
import espgw.ike.session.UnprotectedResponses;
import espgw.linux.Inet4Addresses;
import espgw.metrics.IkeStatus;
import espgw.metrics.StatusReport;
import espgw.nat.Ipv4Prefix;
import espgw.sa.Clock;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.collection.IntObjectHashMap;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IKE sessions of all IKE peers, on the event loop: each received message goes, by the
 * address it came from, to that peer's {@link IkeSession}; a message from any other address is
 * dropped and counted as {@code ike_unknown_peer}, one that does not decode as {@code ike_malformed}
 * (a request of another major version is answered with INVALID_MAJOR_VERSION, RFC 7296 §2.5). An
 * IKE_SA_INIT that would open a new IKE SA must pass the {@link HalfOpenLimits} first (§2.6), which
 * count the half-open IKE SAs of all peers; those older than the timeout are forgotten.
 * IKE runs at control-plane rates, so messages are copied to arrays here.
 */
final class IkeSessions implements IkeInbound {
    private static final Logger LOG = LoggerFactory.getLogger(IkeSessions.class);

    private final List<IkeSession> sessions;
    private final IntObjectHashMap<IkeSession> byAddress = new IntObjectHashMap<>();
    private final ChildSaInstaller installer;
    private final IkeTransport transport;
    private final HalfOpenLimits halfOpenLimits;
    private final Clock clock;
    private final DropRecorder drops;

    IkeSessions(List<IkeSession> sessions, ChildSaInstaller installer, IkeTransport transport,
            HalfOpenLimits halfOpenLimits, Clock clock, DropRecorder drops) {
        this.sessions = List.copyOf(sessions);
        this.installer = installer;
        this.transport = transport;
        this.halfOpenLimits = halfOpenLimits;
        this.clock = clock;
        this.drops = drops;
        for (IkeSession session : sessions) {
            byAddress.put(session.peer().address(), session);
        }
    }

    /** What an IKE SA with this peer needs: identities, credentials, algorithms, selectors, timers, both UDP ends. */
    static IkeSessionConfig sessionConfig(IkeConfig ike, InetSocketAddress local, InetSocketAddress remote) {
        return new IkeSessionConfig(ike.localId(), ike.remoteId(), ike.authentication(), ike.ike(), ike.esp(),
                selectors(ike.localTs()), selectors(ike.remoteTs()), local, remote, ike.lifetimes());
    }

    private static List<TrafficSelector> selectors(List<Ipv4Prefix> prefixes) {
        return prefixes.stream().map(p -> TrafficSelector.ipv4Prefix(p.network(), p.length())).toList();
    }

    /** Starts the initiators (event loop). */
    void start() {
        sessions.forEach(IkeSession::start);
    }

    /** Deletes the IKE SAs at their peers as espgw stops (event loop). */
    void stop() {
        for (IkeSession session : sessions) {
            try {
                session.stop();
            } catch (RuntimeException e) {
                LOG.warn("IKE: peer {}: {}", session.peer(), e.toString());
            }
        }
    }

    /**
     * IKE SAs half open now, over all peers. Also read by the metrics scrape off the event loop: map
     * sizes read there may be a moment old, which a gauge can afford.
     */
    int halfOpen() {
        int halfOpen = 0;
        for (IkeSession session : sessions) {
            halfOpen += session.halfOpen();
        }
        return halfOpen;
    }

    /** An IKE peer as {@code espgw status} shows it: its IKE state and its CHILD SAs, taken at one moment. */
    record PeerStatus(IkeStatus ike, List<StatusReport.Sa> sas) {
    }

    /**
     * Each IKE peer's IKE state and SAs (event loop, where they change): the SAs in force, pending and
     * replaced. ESP in UDP arrives here on {@code localUdpPort}.
     */
    Map<Peer, PeerStatus> status(int localUdpPort) {
        Map<Peer, PeerStatus> status = new IdentityHashMap<>();
        for (IkeSession session : sessions) {
            status.put(session.peer(), new PeerStatus(session.status(localUdpPort), installer.status(session.peer())));
        }
        return status;
    }

    /** Retransmissions and retries, half-open IKE SAs timing out, replaced inbound SAs' grace ending (event loop). */
    void onTimer() {
        long deadline = clock.nanoTime() - halfOpenLimits.timeout().toNanos();
        for (IkeSession session : sessions) {
            session.expireHalfOpen(deadline);
            try {
                session.onTimer();
            } catch (RuntimeException e) {
                LOG.warn("IKE: peer {}: {}", session.peer(), e.toString());
            }
        }
        installer.onTimer();
    }

    @Override
    public void receive(ByteBuf message, InetSocketAddress sender, boolean natTraversalPort) {
        try {
            IkeSession session = sender.getAddress() instanceof Inet4Address address
                    ? byAddress.get(Inet4Addresses.toInt(address)) : null;
            if (session == null) {
                drops.drop(DropReason.IKE_UNKNOWN_PEER);
                return;
            }
            byte[] bytes = ByteBufUtil.getBytes(message);
            IkeHeader header;
            try {
                header = IkeHeader.decode(Unpooled.wrappedBuffer(bytes));
            } catch (IkeProtocolException e) {
                drops.drop(DropReason.IKE_MALFORMED);
                if (e.notifyType() == NotifyType.INVALID_MAJOR_VERSION) {
                    UnprotectedResponses.answer(bytes, e).ifPresent(a -> transport.send(a, sender, natTraversalPort));
                }
                return;
            }
            try {
                IkeMessage.decode(bytes);
            } catch (IkeProtocolException e) {
                drops.drop(DropReason.IKE_MALFORMED);
                if (session.opensIkeSa(header)) {
                    // Stateless, like every answer to an IKE_SA_INIT that makes no IKE SA (§2.5).
                    UnprotectedResponses.answer(bytes, e).ifPresent(a -> transport.send(a, sender, natTraversalPort));
                }
                return;
            }
            try {
                if (session.opensIkeSa(header)) {
                    HalfOpenLimits.Admission admission = halfOpenLimits.admit(bytes, header, sender, halfOpen());
                    admission.answer().ifPresent(a -> transport.send(a, sender, natTraversalPort));
                    if (!admission.admitted()) {
                        return;
                    }
                }
                session.receive(bytes, header, sender, natTraversalPort);
            } catch (RuntimeException e) {
                // Whatever a peer sends must not take the event loop's pipeline down.
                LOG.warn("IKE: peer {}: {}", session.peer(), e.toString());
            }
        } finally {
            message.release();
        }
    }
}
