package espgw.daemon;

import espgw.config.IkeConfig;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.NotifyType;
import espgw.ike.session.IkeEvent;
import espgw.ike.session.IkeFailure;
import espgw.ike.session.IkeInitiator;
import espgw.ike.session.IkeResponder;
import espgw.ike.session.IkeSa;
import espgw.ike.session.IkeSessionConfig;
import espgw.ike.session.IkeState;
import espgw.ike.session.NatStatus;
import espgw.ike.session.NegotiatedChildSa;
import espgw.linux.Inet4Addresses;
import espgw.metrics.GatewayMetrics;
import espgw.metrics.IkeStatus;
import espgw.sa.Clock;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IKEv2 with one peer, on the event loop: runs an {@link IkeInitiator} (with {@code initiate: true},
 * started at {@code up} and again after a failure, with back-off) and an {@link IkeResponder} for
 * each IKE_SA_INIT the peer starts, sends what they answer, and hands each CHILD SA they
 * negotiate to the {@link ChildSaInstaller}.
 *
 * <p>Ports (RFC 7296 §2.23): the initiator starts on port 500 and moves to the NAT-traversal port
 * for IKE_AUTH when NAT detection found a NAT or the peer is configured with
 * {@code encapsulation: udp}; the responder answers where each request came from. ESP then travels
 * in UDP if the IKE SA moved, a NAT was detected, or the config says so, to the port the IKE SA
 * uses at the peer (RFC 3948 §2.1), which a NAT may have translated.
 *
 * <p>Port translation (§2.23): when the peer is behind a NAT and we are not, a new IKE message of
 * the peer that passes the integrity check and comes from another port on the NAT-traversal port
 * means its NAT mapping changed: IKE (retransmissions too), ESP in UDP and NAT-keepalives go to
 * that port from then on. Only the port is learned: the peer is known by its configured address
 * (IkeSessions finds the session by it, the firewall admits it), so a message from elsewhere never
 * gets here. An end behind a NAT does not follow its peer (§2.23: one forged packet could cut it off).
 *
 * <p>Once established, the {@link IkeSa} runs the INFORMATIONAL and CREATE_CHILD_SA exchanges
 * (RFC 7296 §1.3, §1.4): liveness checks both ways, Deletes, CHILD SA and IKE SA rekeys; its events
 * install and remove CHILD SAs here. When the IKE SA is deleted or the peer found dead, an end with
 * {@code initiate: true} sets up a new IKE SA after the retry wait. When the peer deleted the last
 * CHILD SA but not the IKE SA, the IKE SA stays: the end with {@code initiate: true} asks for a new
 * CHILD SA on it (§1.3.1), a new IKE SA only if the peer refuses; the other end accepts the peer's.
 */
final class IkeSession {
    private static final Logger LOG = LoggerFactory.getLogger(IkeSession.class);
    /** The first wait before initiating again after a failure; doubled after each, up to the maximum. */
    static final long FIRST_RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Peer peer;
    private final IkeConfig ike;
    private final IkeSessionConfig sessionConfig;
    private final IkeTransport transport;
    private final ChildSaInstaller installer;
    private final GatewayMetrics metrics;
    private final SecureRandom random;
    private final Clock clock;
    private final InetSocketAddress ikeEndpoint;

    private IkeInitiator initiator;
    private boolean initiatorOnNatTraversalPort;
    private long retryDelayNanos = FIRST_RETRY_NANOS;
    /** When to initiate again; meaningful only while {@link #retryPending}. */
    private long retryAtNanos;
    private boolean retryPending;
    /** True while an IKE SA of ours is or was in force since the last setup: its loss calls for a new one. */
    private boolean wasEstablished;
    /** The responder that last completed (kept to answer a retransmitted IKE_AUTH, §2.1). */
    private IkeResponder responder;
    /** IKE SAs the peer is setting up (IKE_SA_INIT answered, IKE_AUTH awaited), by its SPI, oldest first. */
    private final Map<Long, HalfOpen> halfOpen = new LinkedHashMap<>();
    private boolean responderOnNatTraversalPort;
    /**
     * The IKE SA whose CHILD SA is in force, and the one before it (both ends may have set one up).
     * Volatile for the {@code espgw_ike_sa_up} gauge, read at each scrape.
     */
    private volatile Established current;
    private Established previous;
    /** Where the responder's last request came from. */
    private InetSocketAddress responderPeer;
    /** The last failed setup or lost IKE SA, for {@code espgw status}; null while none. */
    private IkeSessionStatus.Failure lastFailure;

    /** A responder between IKE_SA_INIT and IKE_AUTH, and when its IKE_SA_INIT came (for the timeout). */
    private record HalfOpen(IkeResponder responder, long sinceNanos) {
    }

    /**
     * An established IKE SA, where its peer is (followed when the peer's NAT mapping changes), what
     * NAT detection found, and whether its CHILD SAs' ESP travels in UDP.
     */
    private static final class Established {
        private final IkeSa sa;
        private InetSocketAddress peerEndpoint;
        private final boolean onNatTraversalPort;
        private final NatStatus nat;
        private final boolean udp;

        Established(IkeSa sa, InetSocketAddress peerEndpoint, boolean onNatTraversalPort, NatStatus nat,
                boolean udp) {
            this.sa = sa;
            this.peerEndpoint = peerEndpoint;
            this.onNatTraversalPort = onNatTraversalPort;
            this.nat = nat;
            this.udp = udp;
        }

        IkeSa sa() {
            return sa;
        }

        InetSocketAddress peerEndpoint() {
            return peerEndpoint;
        }

        boolean onNatTraversalPort() {
            return onNatTraversalPort;
        }

        NatStatus nat() {
            return nat;
        }

        boolean udp() {
            return udp;
        }

        /** §2.23: the peer's port is followed when the peer is behind a NAT and we are not. */
        boolean followsPeerPort() {
            return nat.peerBehindNat() && !nat.localBehindNat();
        }
    }

    IkeSession(Peer peer, IkeSessionConfig sessionConfig, IkeTransport transport, ChildSaInstaller installer,
            GatewayMetrics metrics, SecureRandom random, Clock clock) {
        this.peer = peer;
        this.ike = peer.config().ike();
        this.sessionConfig = sessionConfig;
        this.transport = transport;
        this.installer = installer;
        this.metrics = metrics;
        this.random = random;
        this.clock = clock;
        this.ikeEndpoint = new InetSocketAddress(Inet4Addresses.fromInt(peer.address()), IkeTransport.IKE_PORT);
        metrics.ikeSaUp(peer.name(), () -> current != null);
    }

    Peer peer() {
        return peer;
    }

    void start() {
        if (ike.initiate()) {
            initiate();
        }
    }

    /** As espgw stops: tells the peer the IKE SA in force is gone (§1.4.1), once, without waiting. */
    void stop() {
        retryPending = false;
        if (current != null) {
            send(current.sa().deleteIke(), current.peerEndpoint(), current.onNatTraversalPort());
            LOG.info("IKE SA deleted: peer {}", peer);
            current = null;
            previous = null;
        }
    }

    /** Called a few times a second: retransmits, notices a peer that never answered, retries after back-off. */
    void onTimer() {
        for (Established established : established()) {
            send(established.sa().onTimer(), established.peerEndpoint(), established.onNatTraversalPort());
        }
        afterIkeSaSteps();
        if (initiator != null) {
            send(initiator.onTimer(), initiatorEndpoint(), initiatorOnNatTraversalPort);
            afterInitiatorStep();
        } else if (retryPending && clock.nanoTime() - retryAtNanos >= 0) {
            initiate();
        }
    }

    /** One message from this peer, its header already parsed. */
    void receive(byte[] message, IkeHeader header, InetSocketAddress sender, boolean natTraversalPort) {
        int exchange = header.exchangeType();
        if (exchange == ExchangeType.INFORMATIONAL || exchange == ExchangeType.CREATE_CHILD_SA) {
            // §1.3, §1.4: exchanges of an established IKE SA; one that is not its own is dropped by it.
            for (Established established : established()) {
                List<byte[]> replies = established.sa().receive(message);
                if (established.sa().lastReceivedAuthentic() && natTraversalPort) {
                    followPeerPort(established, sender);
                }
                send(replies, sender, natTraversalPort);
            }
            afterIkeSaSteps();
            return;
        }
        if (header.isResponse()) {
            if (initiator != null && header.initiatorSpi() == initiator.initiatorSpi()) {
                onResponse(message);
            }
            return;
        }
        IkeResponder target = responderFor(header.initiatorSpi());
        if (target == null && opensIkeSa(header)) {
            // A new IKE SA from the peer (also after its restart); a retransmission reaches its own responder.
            target = new IkeResponder(sessionConfig, random);
        }
        if (target == null) {
            return;
        }
        send(target.receive(message), sender, natTraversalPort);
        IkeState state = target.state();
        if (state == IkeState.WAITING_FOR_IKE_AUTH) {
            halfOpen.putIfAbsent(header.initiatorSpi(), new HalfOpen(target, clock.nanoTime()));
        } else if (state != IkeState.WAITING_FOR_IKE_SA_INIT && target != responder) {
            if (halfOpen.remove(header.initiatorSpi()) == null) {
                // Refused at IKE_SA_INIT, statelessly (§1.2): the last completed responder stays, so
                // a flood of unacceptable proposals cannot take its cached IKE_AUTH response away.
                failed("IKE SA failed", target.failure());
                return;
            }
            // Completed (or failed at IKE_AUTH) just now: kept to answer retransmissions.
            responder = target;
            responderOnNatTraversalPort = natTraversalPort;
            responderPeer = sender;
            afterResponderStep();
        }
    }

    /** True for an IKE_SA_INIT request that would make a new responder (§1.2: Message ID 0, SPIr zero). */
    boolean opensIkeSa(IkeHeader header) {
        return header.exchangeType() == ExchangeType.IKE_SA_INIT && !header.isResponse() && header.messageId() == 0
                && header.responderSpi() == 0 && responderFor(header.initiatorSpi()) == null;
    }

    /**
     * This peer's IKE for {@code espgw status} (event loop): established, being set up, or down and why.
     * ESP in UDP and IKE on the NAT-traversal port arrive here on {@code localUdpPort}.
     */
    IkeStatus status(int localUdpPort) {
        IkeSessionStatus status = new IkeSessionStatus(clock.nanoTime(), lastFailure);
        Established established = current;
        if (established != null) {
            InetSocketAddress peerUdp = peer.udpEndpoint();
            IkeStatus.Encapsulation encapsulation = new IkeStatus.Encapsulation(established.udp(),
                    established.nat().localBehindNat(), established.nat().peerBehindNat(),
                    established.udp() ? localUdpPort : 0, established.udp() && peerUdp != null ? peerUdp.getPort() : 0);
            return status.established(established.sa().status(), sessionConfig,
                    established.onNatTraversalPort() ? localUdpPort : IkeTransport.IKE_PORT,
                    established.peerEndpoint(), encapsulation);
        }
        if (initiator != null) {
            return status.initiating(initiator.state(), initiator.retransmissions());
        }
        if (!halfOpen.isEmpty()) {
            return status.awaitingIkeAuth();
        }
        return status.down(retryPending ? OptionalLong.of(retryAtNanos) : OptionalLong.empty());
    }

    /** IKE SAs half open now (IKE_SA_INIT answered, IKE_AUTH awaited). */
    int halfOpen() {
        return halfOpen.size();
    }

    /** Forgets the half-open IKE SAs started at or before {@code deadlineNanos} (§2.6: they must time out). */
    void expireHalfOpen(long deadlineNanos) {
        halfOpen.values().removeIf(h -> h.sinceNanos() - deadlineNanos <= 0);
    }

    private IkeResponder responderFor(long initiatorSpi) {
        HalfOpen setup = halfOpen.get(initiatorSpi);
        if (setup != null) {
            return setup.responder();
        }
        return responder != null && responder.initiatorSpi() == initiatorSpi ? responder : null;
    }

    private List<Established> established() {
        return current == null ? List.of() : previous == null ? List.of(current) : List.of(current, previous);
    }

    /** Applies what the established IKE SAs report: CHILD SAs installed and removed, the IKE SA gone. */
    private void afterIkeSaSteps() {
        for (Established established : established()) {
            for (IkeEvent event : established.sa().pollEvents()) {
                if (event instanceof IkeEvent.ChildSaInstalled installed) {
                    installer.install(peer, installed.childSa(), established.udp(), installed.rekeyedByPeer());
                } else if (event instanceof IkeEvent.ChildSaRemoved removed) {
                    installer.remove(peer, removed.inboundSpi());
                } else if (event instanceof IkeEvent.ChildSaRefused refused) {
                    LOG.warn("CHILD SA refused: peer {}: {}; deleting the IKE SA for a new one", peer,
                            refused.reason());
                    remember(IkeStatus.Failure.NO_NOTIFY, "CHILD SA refused: " + refused.reason());
                    send(established.sa().deleteIke(), established.peerEndpoint(), established.onNatTraversalPort());
                } else if (event instanceof IkeEvent.ChildSaRekeyRefused refused) {
                    LOG.warn("CHILD SA rekey refused: peer {}: {}; trying again in {} s", peer, refused.reason(),
                            refused.retryIn().toSeconds());
                } else if (event instanceof IkeEvent.IkeSaRekeyed rekeyed) {
                    LOG.info("IKE SA rekeyed: peer {}, {}", peer, spis(rekeyed.initiatorSpi(), rekeyed.responderSpi()));
                } else if (event instanceof IkeEvent.PeerDead dead) {
                    LOG.warn("IKE SA lost: peer {} is dead: {}", peer, dead.reason());
                    remember(IkeStatus.Failure.NO_NOTIFY, "peer dead: " + dead.reason());
                } else if (event instanceof IkeEvent.IkeSaDeleted deleted) {
                    LOG.info(deleted.byPeer() ? "IKE SA deleted by peer {}" : "IKE SA deleted: peer {}", peer);
                    if (deleted.byPeer() && established == current) {
                        remember(IkeStatus.Failure.NO_NOTIFY, "the peer deleted the IKE SA");
                    }
                }
            }
            if (established.sa().closed()) {
                if (established == current) {
                    current = previous;
                }
                previous = null;
            }
        }
        if (current != null && ike.initiate() && current.sa().childSas().isEmpty()) {
            // The peer deleted the last CHILD SA, not the IKE SA: a new one on it (nothing while one is being made).
            List<byte[]> request = current.sa().createChild();
            if (!request.isEmpty()) {
                LOG.info("IKE: peer {} deleted the last CHILD SA: asking for a new one", peer);
            }
            send(request, current.peerEndpoint(), current.onNatTraversalPort());
        }
        if (current == null && ike.initiate() && initiator == null && !retryPending && wasEstablished) {
            wasEstablished = false;
            scheduleRetry();
        }
    }

    private void initiate() {
        retryPending = false;
        initiator = new IkeInitiator(sessionConfig, random, clock);
        initiatorOnNatTraversalPort = false;
        LOG.info("IKE: initiating with peer {}", peer);
        send(initiator.start(), ikeEndpoint, false);
    }

    private void onResponse(byte[] message) {
        IkeState before = initiator.state();
        List<byte[]> replies = initiator.receive(message);
        if (before == IkeState.IKE_SA_INIT_SENT && initiator.state() == IkeState.IKE_AUTH_SENT
                && (initiator.natStatus().natDetected() || peer.config().udpEncapsulated())) {
            // §2.23: after IKE_SA_INIT, a NAT (or forced encapsulation) moves the exchange to the NAT-T port.
            initiatorOnNatTraversalPort = true;
        }
        send(replies, initiatorEndpoint(), initiatorOnNatTraversalPort);
        afterInitiatorStep();
    }

    private void afterInitiatorStep() {
        IkeState state = initiator.state();
        if (state != IkeState.ESTABLISHED && state != IkeState.FAILED) {
            return;
        }
        boolean up = state == IkeState.ESTABLISHED
                && established("initiator", initiator.childSa(), initiator.failure(), initiator.natStatus(),
                        initiatorOnNatTraversalPort, initiator.ikeSa().orElseThrow(), initiatorEndpoint());
        if (!up && state == IkeState.FAILED) {
            failed("IKE SA failed", initiator.failure());
        }
        initiator = null;
        if (up) {
            retryDelayNanos = FIRST_RETRY_NANOS;
        } else {
            scheduleRetry();
        }
    }

    private void scheduleRetry() {
        retryPending = true;
        retryAtNanos = clock.nanoTime() + retryDelayNanos;
        LOG.info("IKE: peer {}: initiating again in {} s", peer, TimeUnit.NANOSECONDS.toSeconds(retryDelayNanos));
        retryDelayNanos = Math.min(retryDelayNanos * 2, MAX_RETRY_NANOS);
    }

    private void afterResponderStep() {
        if (responder.state() == IkeState.ESTABLISHED) {
            if (established("responder", responder.childSa(), responder.failure(), responder.natStatus(),
                    responderOnNatTraversalPort, responder.ikeSa().orElseThrow(), responderPeer)) {
                // The peer set the tunnel up: a retry of ours is not needed any more. An exchange of ours
                // in flight goes on: the peer installs its CHILD SA too, and both stay usable.
                retryPending = false;
                retryDelayNanos = FIRST_RETRY_NANOS;
            }
        } else if (responder.state() == IkeState.FAILED) {
            failed("IKE SA failed", responder.failure());
        }
    }

    /** Installs the CHILD SA of an established IKE SA; false (and logged) when there is none. */
    private boolean established(String role, Optional<NegotiatedChildSa> child, Optional<IkeFailure> failure,
            NatStatus nat, boolean onNatTraversalPort, IkeSa sa, InetSocketAddress saPeer) {
        if (child.isEmpty()) {
            failed("IKE SA up, CHILD SA failed", failure);
            return false;
        }
        boolean udp = onNatTraversalPort || nat.natDetected() || peer.config().udpEncapsulated();
        if (udp) {
            // RFC 3948 §2.1: ESP goes where the IKE SA's messages go on the NAT-T port (a NAT may have changed it).
            peer.sendUdpTo(onNatTraversalPort ? saPeer : peer.configuredUdpEndpoint());
        }
        installer.install(peer, child.get(), udp, false);
        LOG.info("IKE SA up: peer {} ({}) as {}, {}{}, {}", peer, ike.remoteId().display(), role,
                udp ? "ESP in UDP" : "bare ESP", nat.natDetected() ? ", NAT detected" : "",
                spis(sa.initiatorSpi(), sa.responderSpi()));
        metrics.ikeEstablished(peer.name());
        previous = current;
        current = new Established(sa, saPeer, onNatTraversalPort, nat, udp);
        wasEstablished = true;
        return true;
    }

    /**
     * §2.23: an authentic new message from {@code sender} on the NAT-traversal port; when the peer's
     * NAT now maps it to another port, IKE and ESP in UDP follow, for every IKE SA with the peer
     * (they share the one mapping of the peer's NAT-T socket).
     */
    private void followPeerPort(Established heard, InetSocketAddress sender) {
        if (!heard.followsPeerPort() || !heard.onNatTraversalPort || heard.peerEndpoint.getPort() == sender.getPort()) {
            return;
        }
        LOG.info("IKE: peer {} now comes from port {} (was {}): its NAT mapping changed; IKE and ESP in UDP follow",
                peer, sender.getPort(), heard.peerEndpoint.getPort());
        for (Established established : established()) {
            if (established.onNatTraversalPort) {
                established.peerEndpoint = sender;
            }
        }
        peer.sendUdpTo(sender); // on the NAT-T port, so the peer has a UDP endpoint
    }

    private void failed(String what, Optional<IkeFailure> failure) {
        int notify = failure.map(IkeFailure::notifyType).orElse(IkeFailure.NO_NOTIFY);
        String name = notify == IkeFailure.NO_NOTIFY ? IkeStatus.Failure.NO_NOTIFY : NotifyType.name(notify);
        String reason = failure.map(IkeFailure::reason).orElse("no reason given");
        // A reason taken from a protocol exception may already start with the notify's name.
        String prefix = name + ": ";
        String sentence = reason.startsWith(prefix) ? reason.substring(prefix.length()) : reason;
        LOG.warn("{}: peer {}: {}{}", what, peer, notify == IkeFailure.NO_NOTIFY ? "" : prefix, sentence);
        remember(name, what + ": " + sentence);
        metrics.ikeFailed(peer.name(), name);
    }

    /** Keeps a failed setup or a lost IKE SA for {@code espgw status}. */
    private void remember(String notify, String reason) {
        lastFailure = new IkeSessionStatus.Failure(notify, reason, clock.nanoTime());
    }

    /** The IKE SPIs as the log and {@code espgw status} print them (strongSwan's way). */
    static String spis(long initiatorSpi, long responderSpi) {
        return String.format("SPIs %016x_i %016x_r", initiatorSpi, responderSpi);
    }

    private InetSocketAddress initiatorEndpoint() {
        return initiatorOnNatTraversalPort ? peer.configuredUdpEndpoint() : ikeEndpoint;
    }

    private void send(List<byte[]> messages, InetSocketAddress recipient, boolean natTraversalPort) {
        for (byte[] message : messages) {
            transport.send(message, recipient, natTraversalPort);
        }
    }
}
