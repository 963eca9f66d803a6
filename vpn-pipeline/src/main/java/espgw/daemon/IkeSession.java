package espgw.daemon;

import espgw.config.IkeConfig;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.NotifyType;
import espgw.ike.session.EstablishedIkeSa;
import espgw.ike.session.IkeFailure;
import espgw.ike.session.IkeInitiator;
import espgw.ike.session.IkeResponder;
import espgw.ike.session.IkeSessionConfig;
import espgw.ike.session.IkeState;
import espgw.ike.session.NatStatus;
import espgw.ike.session.NegotiatedChildSa;
import espgw.metrics.GatewayMetrics;
import espgw.sa.Clock;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
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
 * in UDP if the IKE SA moved, a NAT was detected, or the config says so.
 *
 * <p>Once established, the IKE SA answers the peer's INFORMATIONAL requests (liveness checks and
 * Deletes, RFC 7296 §1.4). When the peer deletes the IKE SA whose CHILD SA is in force, or that
 * CHILD SA, the SAs go, and with {@code initiate: true} this end sets up a new IKE SA after the
 * retry wait (there is no CREATE_CHILD_SA yet to make a new CHILD SA on the old one).
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
    private IkeResponder responder;
    private boolean responderOnNatTraversalPort;
    /** The IKE SA whose CHILD SA is in force, and the one before it (both ends may have set one up). */
    private EstablishedIkeSa current;
    private EstablishedIkeSa previous;
    /** Where the current IKE SA's peer is: address and port, and whether on the NAT-traversal port. */
    private InetSocketAddress currentPeer;
    private boolean currentOnNatTraversalPort;
    /** Where the responder's last request came from. */
    private InetSocketAddress responderPeer;

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
        this.ikeEndpoint = new InetSocketAddress(Gateway.inet(peer.address()), IkeTransport.IKE_PORT);
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
            transport.send(current.deleteRequest(), currentPeer, currentOnNatTraversalPort);
            LOG.info("IKE SA deleted: peer {}", peer);
            current = null;
        }
    }

    /** Called a few times a second: retransmits, notices a peer that never answered, retries after back-off. */
    void onTimer() {
        if (initiator != null) {
            send(initiator.onTimer(), initiatorEndpoint(), initiatorOnNatTraversalPort);
            afterInitiatorStep();
        } else if (retryPending && clock.nanoTime() - retryAtNanos >= 0) {
            initiate();
        }
    }

    /** One message from this peer, its header already parsed. */
    void receive(byte[] message, IkeHeader header, InetSocketAddress sender, boolean natTraversalPort) {
        if (header.isResponse()) {
            if (initiator != null && header.initiatorSpi() == initiator.initiatorSpi()) {
                onResponse(message);
            }
            return;
        }
        if (header.exchangeType() == ExchangeType.INFORMATIONAL) {
            onInformational(message, header, sender, natTraversalPort);
            return;
        }
        if (header.exchangeType() == ExchangeType.IKE_SA_INIT && header.messageId() == 0
                && (responder == null || responder.initiatorSpi() != header.initiatorSpi())) {
            // A new IKE SA from the peer (also after its restart); a retransmission reaches the old responder.
            responder = new IkeResponder(sessionConfig, random);
        }
        if (responder == null) {
            return;
        }
        IkeState before = responder.state();
        send(responder.receive(message), sender, natTraversalPort);
        if (responder.state() != before) {
            responderOnNatTraversalPort = natTraversalPort;
            responderPeer = sender;
            afterResponderStep();
        }
    }

    /** §1.4: a request on an established IKE SA; a Delete of the one in force or its CHILD SA takes the SAs away. */
    private void onInformational(byte[] message, IkeHeader header, InetSocketAddress sender, boolean natTraversalPort) {
        EstablishedIkeSa sa = current != null && current.owns(header) ? current
                : previous != null && previous.owns(header) ? previous : null;
        if (sa == null) {
            return;
        }
        boolean inForce = sa == current && !sa.childDeleted();
        send(sa.receive(message), sender, natTraversalPort);
        if (sa.deleted()) {
            if (sa == current) {
                current = null;
            } else {
                previous = null;
            }
        }
        if (!inForce || !sa.childDeleted()) {
            return;
        }
        LOG.info("{} deleted by peer {}", sa.deleted() ? "IKE SA" : "CHILD SA", peer);
        // An older IKE SA's CHILD SA is not brought back: a new setup replaces both.
        previous = null;
        installer.remove(peer);
        if (ike.initiate() && initiator == null) {
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
                        initiatorOnNatTraversalPort, initiator.establishedSa(), initiatorEndpoint());
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
                    responderOnNatTraversalPort, responder.establishedSa(), responderPeer)) {
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
            NatStatus nat, boolean onNatTraversalPort, EstablishedIkeSa sa, InetSocketAddress saPeer) {
        if (child.isEmpty()) {
            failed("IKE SA up, CHILD SA failed", failure);
            return false;
        }
        boolean udp = onNatTraversalPort || nat.natDetected() || peer.config().udpEncapsulated();
        installer.install(peer, child.get(), udp);
        LOG.info("IKE SA up: peer {} ({}) as {}, {}{}", peer, ike.remoteId().display(), role,
                udp ? "ESP in UDP" : "bare ESP", nat.natDetected() ? ", NAT detected" : "");
        metrics.ikeEstablished(peer.name());
        previous = current;
        current = sa;
        currentPeer = saPeer;
        currentOnNatTraversalPort = onNatTraversalPort;
        return true;
    }

    private void failed(String what, Optional<IkeFailure> failure) {
        int notify = failure.map(IkeFailure::notifyType).orElse(IkeFailure.NO_NOTIFY);
        String name = notify == IkeFailure.NO_NOTIFY ? "none" : NotifyType.name(notify);
        String reason = failure.map(IkeFailure::reason).orElse("no reason given");
        // A reason taken from a protocol exception may already start with the notify's name.
        String prefix = name + ": ";
        LOG.warn("{}: peer {}: {}{}", what, peer, notify == IkeFailure.NO_NOTIFY ? "" : prefix,
                reason.startsWith(prefix) ? reason.substring(prefix.length()) : reason);
        metrics.ikeFailed(peer.name(), name);
    }

    private InetSocketAddress initiatorEndpoint() {
        return initiatorOnNatTraversalPort ? peer.udpEndpoint() : ikeEndpoint;
    }

    private void send(List<byte[]> messages, InetSocketAddress recipient, boolean natTraversalPort) {
        for (byte[] message : messages) {
            transport.send(message, recipient, natTraversalPort);
        }
    }
}
