package espgw.ike.session;

import espgw.ike.crypto.ChildSaKeys;
import espgw.ike.crypto.IkeSaKeys;
import espgw.ike.crypto.KeyExchange;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.message.DeletePayload;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.NotifyType;
import espgw.ike.message.ProtocolId;
import espgw.ike.message.TrafficSelector;
import espgw.sa.Clock;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An established IKE SA and its CHILD SAs (RFC 7296 §1.3–§1.4, §2.4, §2.8, §2.18), for both
 * roles of the original setup: answers and makes INFORMATIONAL exchanges (liveness checks,
 * deletes) and CREATE_CHILD_SA exchanges (CHILD SA rekey, with PFS as the ESP proposals say, IKE SA
 * rekey, a new CHILD SA when the IKE SA has none left), and resolves
 * simultaneous rekeys by the nonces (§2.8.1, §2.8.2). What changed is reported as
 * {@link IkeEvent}s, drained with {@link #pollEvents()}. No I/O: every method returns the
 * datagrams to send. Confined to one thread.
 *
 * <p>A rekeyed CHILD SA is replaced make-before-break: the new pair is reported installed first, the
 * old pair removed only once the delete of it was answered (or received).
 */
public final class IkeSa {
    /** §2.25: how long to wait before trying a refused or failed rekey again. */
    static final Duration REKEY_RETRY = Duration.ofSeconds(30);

    private final IkeSessionConfig config;
    private final SecureRandom random;
    private final Clock clock;
    private final Map<Integer, Child> children = new LinkedHashMap<>();
    /** Old IKE SAs awaiting their delete and redundant ones of a simultaneous rekey (§2.8.2). */
    private final List<IkeSaChannel> retiring = new ArrayList<>();
    private final List<IkeEvent> events = new ArrayList<>();
    /** Requests sent while handling a received message, on another IKE SA than the one it came on. */
    private final List<byte[]> pendingSends = new ArrayList<>();
    private IkeSaChannel current;
    private long lastHeardNanos;
    /** Whether the datagram {@link #receive} took last was a new message that passed the integrity check. */
    private boolean lastReceivedAuthentic;
    private long ikeRekeyAtNanos;
    private ChildSaRekey childRekeyInProgress;
    private ChildSaCreation childCreationInProgress;
    private IkeSaRekey ikeRekeyInProgress;
    private IkeFailure closedBecause;

    /** A CHILD SA pair and when it is due for rekeying; a superseded one is only waiting for its delete. */
    static final class Child {
        final NegotiatedChildSa sa;
        long rekeyAtNanos;
        boolean superseded;

        Child(NegotiatedChildSa sa, long rekeyAtNanos) {
            this.sa = sa;
            this.rekeyAtNanos = rekeyAtNanos;
        }
    }

    IkeSa(IkeSessionConfig config, SecureRandom random, Clock clock, IkeSaChannel channel,
            Optional<NegotiatedChildSa> firstChild) {
        this.config = config;
        this.random = random;
        this.clock = clock;
        this.current = channel;
        this.lastHeardNanos = clock.nanoTime();
        this.ikeRekeyAtNanos = rekeyTime(config.lifetimes().ikeRekey());
        // The first CHILD SA is the setup's childSa(), not an event.
        firstChild.ifPresent(this::track);
    }

    // ---- what the daemon calls ----

    /** One received datagram of this IKE SA (or of the one it is replacing); returns what to send. */
    public List<byte[]> receive(byte[] datagram) {
        List<byte[]> out = new ArrayList<>();
        lastReceivedAuthentic = false;
        if (closed()) {
            return out;
        }
        IkeMessage message;
        try {
            message = IkeMessage.decode(datagram);
        } catch (IkeProtocolException e) {
            return out;
        }
        IkeSaChannel channel = channelOf(message.header());
        if (channel == null || message.header().isInitiator() == channel.originalInitiator) {
            return out;
        }
        if (message.header().isResponse()) {
            onResponse(channel, message, datagram, out);
        } else if (channel.isNewRequest(message.header())) {
            onRequest(channel, message, datagram, out);
        } else {
            channel.cachedResponse(datagram).ifPresent(out::add);
        }
        out.addAll(pendingSends);
        pendingSends.clear();
        return out;
    }

    /** Call periodically: retransmissions, the liveness check, rekeys when due, the peer declared dead. */
    public List<byte[]> onTimer() {
        List<byte[]> out = new ArrayList<>();
        if (closed()) {
            return out;
        }
        Optional<String> dead = peerDead();
        if (dead.isPresent()) {
            close(new IkeFailure(IkeFailure.NO_NOTIFY, dead.get() + ": peer dead"), new IkeEvent.PeerDead(dead.get()));
            return out;
        }
        // An old or redundant IKE SA whose delete goes unanswered is simply forgotten.
        retiring.removeIf(IkeSaChannel::retransmissionsExhausted);
        current.retransmitIfDue().ifPresent(out::add);
        retiring.forEach(c -> c.retransmitIfDue().ifPresent(out::add));
        long now = clock.nanoTime();
        long dpd = config.lifetimes().dpdInterval().toNanos();
        if (dpd > 0 && current.idle() && now - lastHeardNanos >= dpd) {
            current.request(Informational.livenessCheck()).ifPresent(out::add);
        }
        if (ikeRekeyAtNanos != Long.MAX_VALUE && now - ikeRekeyAtNanos >= 0 && ikeRekeyInProgress == null) {
            out.addAll(rekeyIke());
        }
        for (Child child : List.copyOf(children.values())) {
            if (!child.superseded && child.rekeyAtNanos != Long.MAX_VALUE && now - child.rekeyAtNanos >= 0
                    && childRekeyInProgress == null) {
                out.addAll(rekeyChild(child.sa.inboundSpi()));
            }
        }
        return out;
    }

    /** Rekeys the oldest CHILD SA that is not already being replaced; nothing when there is none. */
    public List<byte[]> rekeyChild() {
        return children.values().stream().filter(c -> !c.superseded).findFirst()
                .map(c -> rekeyChild(c.sa.inboundSpi())).orElse(List.of());
    }

    /**
     * Rekeys the CHILD SA with this inbound SPI (e.g. when its soft lifetime ran out). Nothing
     * while another CHILD SA rekey is outstanding (one at a time; its own timer tries again).
     */
    public List<byte[]> rekeyChild(int inboundSpi) {
        Child child = children.get(inboundSpi);
        if (closed() || child == null || child.superseded || childRekeyInProgress != null) {
            return List.of();
        }
        child.rekeyAtNanos = Long.MAX_VALUE;
        return send(current.request(startChildRekey(child, Optional.empty())));
    }

    /** Rekeys the IKE SA (§1.3.2); the CHILD SAs move to the new one. */
    public List<byte[]> rekeyIke() {
        if (closed() || ikeRekeyInProgress != null) {
            return List.of();
        }
        ikeRekeyAtNanos = Long.MAX_VALUE;
        ikeRekeyInProgress = new IkeSaRekey(config.ike(), random, clock, new IkeRekeyOutcome());
        return send(current.request(ikeRekeyInProgress));
    }

    /**
     * A new CHILD SA for the configured selectors (§1.3.1), e.g. after the peer deleted the last one;
     * nothing while one is in force or being made. A refusal is reported as {@link IkeEvent.ChildSaRefused}.
     */
    public List<byte[]> createChild() {
        if (closed() || hasLiveChild() || childCreationInProgress != null) {
            return List.of();
        }
        return send(current.request(startChildCreation(Optional.empty())));
    }

    /** An empty INFORMATIONAL request (§2.4); the peer counts as dead if it never answers. */
    public List<byte[]> checkLiveness() {
        return closed() ? List.of() : send(current.request(Informational.livenessCheck()));
    }

    /** Deletes the CHILD SA with this inbound SPI (§1.4.1); it is reported removed when the peer answers. */
    public List<byte[]> deleteChild(int inboundSpi) {
        Child child = children.get(inboundSpi);
        if (closed() || child == null) {
            return List.of();
        }
        child.superseded = true;
        return send(current.request(deleteChildExchange(child)));
    }

    /** Deletes the IKE SA and with it every CHILD SA (§1.4.1). */
    public List<byte[]> deleteIke() {
        if (closed()) {
            return List.of();
        }
        IkeSaChannel channel = current;
        return send(channel.request(new Informational(List.of(DeletePayload.ikeSa()), response ->
                close(new IkeFailure(IkeFailure.NO_NOTIFY, "IKE SA deleted"), new IkeEvent.IkeSaDeleted(false)))));
    }

    /**
     * True when the datagram last given to {@link #receive} was a new request or the answer to our
     * outstanding one, and its integrity check passed: RFC 7296 §2.23 lets only such a message move
     * the peer's address and port (not a retransmission, which anyone could replay).
     */
    public boolean lastReceivedAuthentic() {
        return lastReceivedAuthentic;
    }

    /** The events since the last call, oldest first. */
    public List<IkeEvent> pollEvents() {
        List<IkeEvent> drained = List.copyOf(events);
        events.clear();
        return drained;
    }

    /** The CHILD SAs now installed, oldest first (during a rekey the old and the new pair). */
    public List<NegotiatedChildSa> childSas() {
        return children.values().stream().map(c -> c.sa).toList();
    }

    /** True once the IKE SA was deleted or the peer found dead; {@link #closedBecause()} says which. */
    public boolean closed() {
        return closedBecause != null;
    }

    public Optional<IkeFailure> closedBecause() {
        return Optional.ofNullable(closedBecause);
    }

    public long initiatorSpi() {
        return current.spiI;
    }

    /** The IKE SA in force for {@code espgw status}: a rekey under way counts as due now. */
    public IkeSaStatus status() {
        long now = clock.nanoTime();
        OptionalLong ikeRekey = ikeRekeyInProgress != null ? OptionalLong.of(now) : scheduled(ikeRekeyAtNanos);
        OptionalLong childRekey = childRekeyInProgress != null ? OptionalLong.of(now)
                : children.values().stream().filter(c -> !c.superseded && c.rekeyAtNanos != Long.MAX_VALUE)
                        .mapToLong(c -> c.rekeyAtNanos).reduce((a, b) -> a - b <= 0 ? a : b);
        return new IkeSaStatus(current.spiI, current.spiR, current.originalInitiator, current.suite.encryption(),
                current.suite.prf(), current.suite.group(), current.establishedNanos, lastHeardNanos, ikeRekey,
                childRekey);
    }

    private static OptionalLong scheduled(long atNanos) {
        return atNanos == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(atNanos);
    }

    public long responderSpi() {
        return current.spiR;
    }

    // ---- requests from the peer ----

    private void onRequest(IkeSaChannel channel, IkeMessage outer, byte[] datagram, List<byte[]> out) {
        IkeMessage request;
        try {
            Optional<IkeMessage> opened = channel.open(outer, datagram);
            if (opened.isEmpty()) {
                return;
            }
            request = opened.get();
        } catch (IkeProtocolException e) {
            // §2.21.2: authentic but malformed: answered with the error, the message ID used up.
            heard();
            out.add(channel.respond(datagram, outer.header(), List.of(e.toNotify())));
            return;
        }
        heard();
        List<IkePayload> response;
        try {
            response = switch (outer.header().exchangeType()) {
                case ExchangeType.INFORMATIONAL -> onInformational(channel, request);
                case ExchangeType.CREATE_CHILD_SA -> onCreateChildSa(channel, request);
                default -> throw IkeProtocolException.invalidSyntax(outer.header() + " on an established IKE SA");
            };
        } catch (IkeProtocolException e) {
            response = List.of(e.toNotify());
        }
        out.add(channel.respond(datagram, outer.header(), response));
        if (channel != current && closing(request)) {
            retiring.remove(channel);
        }
    }

    private static boolean closing(IkeMessage request) {
        return request.first(DeletePayload.class).filter(d -> d.protocolId() == ProtocolId.IKE).isPresent();
    }

    /** §1.4.1: deletes are answered with our half of each pair; an empty request is a liveness check (§2.4). */
    private List<IkePayload> onInformational(IkeSaChannel channel, IkeMessage request) {
        List<IkePayload> response = new ArrayList<>();
        for (DeletePayload delete : request.payloads().stream().filter(DeletePayload.class::isInstance)
                .map(DeletePayload.class::cast).toList()) {
            if (delete.protocolId() == ProtocolId.IKE) {
                if (channel == current) {
                    close(new IkeFailure(IkeFailure.NO_NOTIFY, "the peer deleted the IKE SA"),
                            new IkeEvent.IkeSaDeleted(true));
                }
                return List.of();
            }
            if (delete.protocolId() == ProtocolId.ESP) {
                List<byte[]> ours = new ArrayList<>();
                for (byte[] spi : delete.spis()) {
                    byOutboundSpi(ByteBuffer.wrap(spi).getInt()).ifPresent(child -> {
                        ours.add(CreateChildSa.spiBytes(child.sa.inboundSpi()));
                        remove(child);
                    });
                }
                if (!ours.isEmpty()) {
                    response.add(new DeletePayload(ProtocolId.ESP, 4, ours));
                }
            }
        }
        return response;
    }

    private List<IkePayload> onCreateChildSa(IkeSaChannel channel, IkeMessage request) throws IkeProtocolException {
        if (channel != current) {
            // §2.25: this IKE SA is being replaced; the peer may try again on the new one.
            throw new IkeProtocolException(NotifyType.TEMPORARY_FAILURE, "IKE SA being rekeyed");
        }
        if (CreateChildSa.isIkeRekey(request)) {
            return onIkeRekeyRequest(request);
        }
        return onChildSaRequest(request);
    }

    /**
     * §1.3.3 as responder: the new pair is installed at once, the old one stays until its delete.
     * §1.3.1: a new CHILD SA only while the IKE SA has none in force (after the peer deleted the
     * last one); one pair per IKE SA is all espgw negotiates.
     */
    private List<IkePayload> onChildSaRequest(IkeMessage request) throws IkeProtocolException {
        CreateChildSa.ChildSaRequest rekey = CreateChildSa.parseChildSaRequest(request, config.esp());
        Optional<Child> old = Optional.empty();
        if (rekey.rekeyedSpi().isPresent()) {
            old = Optional.of(byOutboundSpi(rekey.rekeyedSpi().getAsInt()).orElseThrow(() -> new IkeProtocolException(
                    NotifyType.CHILD_SA_NOT_FOUND, "no CHILD SA to rekey")));
            if (old.get().superseded) {
                // §2.25.1: we already replaced or are deleting it.
                throw new IkeProtocolException(NotifyType.TEMPORARY_FAILURE, "CHILD SA being deleted");
            }
        } else if (hasLiveChild()) {
            throw new IkeProtocolException(NotifyType.NO_ADDITIONAL_SAS, "one CHILD SA per IKE SA");
        }
        // We narrow to our own selectors, as in IKE_AUTH (§2.9).
        if (!Exchanges.covers(rekey.tsi(), config.remoteTrafficSelectors())
                || !Exchanges.covers(rekey.tsr(), config.localTrafficSelectors())) {
            throw new IkeProtocolException(NotifyType.TS_UNACCEPTABLE, "CHILD SA with other traffic selectors");
        }
        byte[] nr = Exchanges.nonce(random);
        int ourSpi = config.inboundSpis().next(random);
        // parseChildSaRequest made sure there is a KE of the chosen group exactly when one was chosen.
        Optional<KeyExchange> pfs = rekey.suite().group().map(g -> g.newKeyExchange(random));
        byte[] sharedSecret = pfs.isPresent() ? pfs.get().sharedSecret(rekey.ke().orElseThrow().keyExchangeData())
                : new byte[0];
        NegotiatedChildSa sa = responderChildSa(current.keys, rekey, sharedSecret, nr, ourSpi,
                config.localTrafficSelectors(), config.remoteTrafficSelectors());
        Arrays.fill(sharedSecret, (byte) 0);
        addChild(sa, old.isPresent());
        if (childRekeyInProgress != null && old.isPresent() && childRekeyInProgress.old == old.get()) {
            childRekeyInProgress.collidedWith(rekey.ni(), nr);
        }
        return CreateChildSa.childSaResponse(rekey.suite(), ourSpi, nr, pfs, config.remoteTrafficSelectors(),
                config.localTrafficSelectors());
    }

    /** §2.17: the responder's CHILD SA from a request; its inbound keys are the initiator-to-responder ones. */
    static NegotiatedChildSa responderChildSa(IkeSaKeys keys, CreateChildSa.ChildSaRequest rekey,
            byte[] sharedSecret, byte[] nr, int ourSpi, List<TrafficSelector> local,
            List<TrafficSelector> remote) {
        ChildSaKeys childKeys = ChildSaKeys.derive(keys.prf(), keys.skD(), rekey.suite().encryption(), sharedSecret,
                rekey.ni(), nr);
        return new NegotiatedChildSa(ourSpi, rekey.suite().senderSpi(), rekey.suite().encryption(),
                rekey.suite().esn(), childKeys.initiatorToResponder(), childKeys.responderToInitiator(), local, remote,
                rekey.suite().group());
    }

    /**
     * §2.17: the initiator's CHILD SA from the peer's answer, which may narrow our selectors but not
     * widen them; its inbound keys are the responder-to-initiator ones.
     */
    static NegotiatedChildSa initiatorChildSa(IkeSaKeys keys, Optional<KeyExchange> pfs, byte[] ni, int ourSpi,
            CreateChildSa.ChildSaResponse answer, List<TrafficSelector> local, List<TrafficSelector> remote)
            throws IkeProtocolException {
        if (!Exchanges.covers(local, answer.tsi()) || !Exchanges.covers(remote, answer.tsr())) {
            throw new IkeProtocolException(NotifyType.TS_UNACCEPTABLE, "the responder widened the selectors");
        }
        // parseChildSaResponse made sure there is a KE exactly when the peer chose PFS, in our KE's group.
        byte[] sharedSecret = answer.ke().isPresent()
                ? pfs.orElseThrow().sharedSecret(answer.ke().get().keyExchangeData()) : new byte[0];
        ChildSaKeys childKeys = ChildSaKeys.derive(keys.prf(), keys.skD(), answer.suite().encryption(), sharedSecret,
                ni, answer.nr());
        Arrays.fill(sharedSecret, (byte) 0);
        return new NegotiatedChildSa(ourSpi, answer.suite().senderSpi(), answer.suite().encryption(),
                answer.suite().esn(), childKeys.responderToInitiator(), childKeys.initiatorToResponder(), answer.tsi(),
                answer.tsr(), answer.suite().group());
    }

    /** §1.3.2 as responder: the new IKE SA takes over at once unless ours collides (§2.8.2). */
    private List<IkePayload> onIkeRekeyRequest(IkeMessage request) throws IkeProtocolException {
        CreateChildSa.IkeRekey rekey = CreateChildSa.parseIkeRekeyRequest(request, config.ike());
        KeyExchange ke = rekey.suite().group().newKeyExchange(random);
        byte[] sharedSecret = ke.sharedSecret(rekey.ke().keyExchangeData());
        byte[] nr = Exchanges.nonce(random);
        long spiR = Exchanges.ikeSpi(random);
        IkeSaKeys keys = current.keys.rekey(rekey.suite().prf(), rekey.suite().encryption(), sharedSecret,
                rekey.nonce(), nr, rekey.spi(), spiR);
        Arrays.fill(sharedSecret, (byte) 0);
        IkeSaChannel successor = new IkeSaChannel(rekey.spi(), spiR, false, keys, rekey.suite(), clock, 0, 0);
        if (ikeRekeyInProgress != null) {
            ikeRekeyInProgress.collidedWith(rekey.nonce(), nr, successor);
            retiring.add(successor);
        } else {
            replaceIkeSa(successor);
        }
        return CreateChildSa.ikeRekeyResponse(rekey.suite(), spiR, nr, ke);
    }

    // ---- our requests ----

    private void onResponse(IkeSaChannel channel, IkeMessage outer, byte[] datagram, List<byte[]> out) {
        Exchange exchange = channel.answering(outer.header());
        if (exchange == null) {
            return;
        }
        IkeMessage response;
        try {
            Optional<IkeMessage> opened = channel.open(outer, datagram);
            if (opened.isEmpty()) {
                return;
            }
            response = opened.get();
        } catch (IkeProtocolException e) {
            response = new IkeMessage(outer.header(), List.of(e.toNotify()));
        }
        heard();
        try {
            exchange.onResponse(response);
        } catch (IkeProtocolException e) {
            // The exchange failed; the SA it would have made does not exist on our side. Nothing else changes.
        }
        if (!closed()) {
            channel.completed().ifPresent(out::add);
        }
    }

    private Exchange deleteChildExchange(Child child) {
        return new Informational(List.of(new DeletePayload(ProtocolId.ESP, 4,
                List.of(CreateChildSa.spiBytes(child.sa.inboundSpi())))), response -> remove(child));
    }

    /** §1.4.1: deleting an IKE SA other than the current one (old or redundant) forgets it once answered. */
    private void deleteRetired(IkeSaChannel channel) {
        channel.request(new Informational(List.of(DeletePayload.ikeSa()), response -> retiring.remove(channel)))
                .ifPresent(pendingSends::add);
    }

    private ChildSaRekey startChildRekey(Child child, Optional<KeyExchangeGroup> group) {
        childRekeyInProgress = new ChildSaRekey(child, config.esp(), group, random, config.inboundSpis(),
                new ChildRekeyOutcome());
        return childRekeyInProgress;
    }

    /** What our CHILD SA rekey comes to (§1.3.3, §2.8.1). */
    private final class ChildRekeyOutcome implements ChildSaRekey.Outcome {
        @Override
        public void refused(Child old, String reason) {
            childRekeyInProgress = null;
            old.rekeyAtNanos = clock.nanoTime() + REKEY_RETRY.toNanos();
            events.add(new IkeEvent.ChildSaRekeyRefused(reason, REKEY_RETRY));
        }

        @Override
        public void retry(Child old, KeyExchangeGroup group) {
            current.request(startChildRekey(old, Optional.of(group))).ifPresent(pendingSends::add);
        }

        @Override
        public void rekeyed(Child old, NegotiatedChildSa replacement, boolean redundant) {
            childRekeyInProgress = null;
            Child created = addChild(replacement, false);
            old.superseded = true;
            // §2.8.1: the initiator of the losing exchange deletes its new pair, the winner the old one.
            Child obsolete = redundant ? created : old;
            obsolete.superseded = true;
            current.request(deleteChildExchange(obsolete)).ifPresent(pendingSends::add);
        }
    }

    private ChildSaCreation startChildCreation(Optional<KeyExchangeGroup> group) {
        childCreationInProgress = new ChildSaCreation(config, group, random, new ChildCreationOutcome());
        return childCreationInProgress;
    }

    /** What our request for a new CHILD SA comes to (§1.3.1). */
    private final class ChildCreationOutcome implements ChildSaCreation.Outcome {
        @Override
        public void refused(String reason) {
            childCreationInProgress = null;
            events.add(new IkeEvent.ChildSaRefused(reason));
        }

        @Override
        public void retry(KeyExchangeGroup group) {
            current.request(startChildCreation(Optional.of(group))).ifPresent(pendingSends::add);
        }

        @Override
        public void created(NegotiatedChildSa child) {
            childCreationInProgress = null;
            addChild(child, false);
        }
    }

    /** What our IKE SA rekey comes to (§1.3.2, §2.8.2). */
    private final class IkeRekeyOutcome implements IkeSaRekey.Outcome {
        @Override
        public void refused(Optional<IkeSaChannel> peersSuccessor) {
            ikeRekeyInProgress = null;
            ikeRekeyAtNanos = clock.nanoTime() + REKEY_RETRY.toNanos();
            peersSuccessor.ifPresent(IkeSa.this::adoptPeersSuccessor);
        }

        @Override
        public void rekeyed(IkeSaChannel old, IkeSaChannel successor, Optional<IkeSaChannel> peersSuccessor,
                boolean redundant) {
            ikeRekeyInProgress = null;
            if (redundant) {
                // §2.8.2: we delete our new SA, the peer deletes the old one.
                retiring.add(successor);
                deleteRetired(successor);
                peersSuccessor.ifPresent(IkeSa.this::adoptPeersSuccessor);
            } else {
                // The peer's redundant SA, if any, stays in retiring until the peer deletes it.
                replaceIkeSa(successor);
                deleteRetired(old);
            }
        }
    }

    private void adoptPeersSuccessor(IkeSaChannel successor) {
        retiring.remove(successor);
        replaceIkeSa(successor);
    }

    // ---- bookkeeping ----

    /** The new IKE SA becomes current; the old one retires until its delete; queued requests move over. */
    private void replaceIkeSa(IkeSaChannel successor) {
        IkeSaChannel old = current;
        retiring.add(old);
        current = successor;
        old.handOverQueued(successor, pendingSends);
        ikeRekeyAtNanos = rekeyTime(config.lifetimes().ikeRekey());
        events.add(new IkeEvent.IkeSaRekeyed(successor.spiI, successor.spiR));
    }

    private Child addChild(NegotiatedChildSa sa, boolean rekeyedByPeer) {
        events.add(new IkeEvent.ChildSaInstalled(sa, rekeyedByPeer));
        return track(sa);
    }

    private Child track(NegotiatedChildSa sa) {
        Child child = new Child(sa, rekeyTime(config.lifetimes().childRekey()));
        children.put(sa.inboundSpi(), child);
        return child;
    }

    private void remove(Child child) {
        if (children.remove(child.sa.inboundSpi(), child)) {
            events.add(new IkeEvent.ChildSaRemoved(child.sa.inboundSpi(), child.sa.outboundSpi()));
        }
    }

    /** A CHILD SA in force that is not being replaced or deleted. */
    private boolean hasLiveChild() {
        return children.values().stream().anyMatch(c -> !c.superseded);
    }

    private Optional<Child> byOutboundSpi(int outboundSpi) {
        return children.values().stream().filter(c -> c.sa.outboundSpi() == outboundSpi).findFirst();
    }

    private IkeSaChannel channelOf(IkeHeader header) {
        if (current.owns(header)) {
            return current;
        }
        return retiring.stream().filter(c -> c.owns(header)).findFirst().orElse(null);
    }

    /** §2.4: why the peer counts as dead (a request unanswered too long), or empty while it may still answer. */
    private Optional<String> peerDead() {
        Duration timeout = config.lifetimes().dpdTimeout();
        if (!timeout.isZero() && current.unansweredFor(timeout.toNanos())) {
            return Optional.of("no answer for " + timeout.toSeconds() + " s");
        }
        if (current.retransmissionsExhausted()) {
            return Optional.of("no answer after " + Retransmission.MAX_RETRANSMISSIONS + " retransmissions");
        }
        return Optional.empty();
    }

    /** A new message of the peer passed the integrity check: it is alive (§2.4) and where it says it is. */
    private void heard() {
        lastHeardNanos = clock.nanoTime();
        lastReceivedAuthentic = true;
    }

    private void close(IkeFailure why, IkeEvent event) {
        for (Child child : List.copyOf(children.values())) {
            remove(child);
        }
        closedBecause = why;
        events.add(event);
    }

    /** When a new SA of this lifetime is due for rekeying: the lifetime less up to the jitter; never when 0. */
    private long rekeyTime(Duration lifetime) {
        if (lifetime.isZero()) {
            return Long.MAX_VALUE;
        }
        long nanos = lifetime.toNanos();
        long jitter = (long) (random.nextDouble() * nanos * config.lifetimes().jitterPercent() / 100);
        return clock.nanoTime() + nanos - jitter;
    }

    private static List<byte[]> send(Optional<byte[]> datagram) {
        return datagram.map(List::of).orElse(List.of());
    }

    @Override
    public String toString() {
        return String.format("IkeSa[%016x/%016x %d CHILD SAs%s]", current.spiI, current.spiR, children.size(),
                closed() ? " closed: " + closedBecause : "");
    }
}
