package espgw.ike.session;

import espgw.ike.auth.SignatureHashAlgorithms.HashAlgorithm;
import espgw.ike.crypto.ChildSaKeys;
import espgw.ike.crypto.IkeMessageProtection;
import espgw.ike.crypto.IkeSaKeys;
import espgw.ike.crypto.KeyExchange;
import espgw.ike.message.AuthPayload;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IdPayload;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.KePayload;
import espgw.ike.message.NoncePayload;
import espgw.ike.message.NotifyPayload;
import espgw.ike.message.NotifyType;
import espgw.ike.message.PayloadType;
import espgw.ike.message.SaPayload;
import espgw.ike.message.TrafficSelector;
import espgw.ike.message.TrafficSelectorPayload;
import espgw.sa.Clock;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The responder of an IKE SA and its first CHILD SA (RFC 7296 §1.2), for one peer: answers
 * IKE_SA_INIT (or refuses it with NO_PROPOSAL_CHOSEN / INVALID_KE_PAYLOAD, or one that does not
 * decode with UNSUPPORTED_CRITICAL_PAYLOAD / INVALID_SYNTAX, keeping no state),
 * then IKE_AUTH with a pre-shared key or certificates ({@link IkeAuthentication}), narrowing the
 * traffic selectors to its own (§2.9). A retransmitted request gets the same response again
 * (§2.1). Once established, {@link #ikeSa()} serves the IKE SA (liveness, deletes, rekeys) and
 * {@link #receive(byte[])} and {@link #onTimer()} hand over to it; when it closes (peer dead,
 * deleted) the state becomes {@link IkeState#FAILED}. No I/O: {@link #receive(byte[])} and
 * {@link #onTimer()} return the datagrams to send. Confined to one thread.
 */
public final class IkeResponder {
    private final IkeSessionConfig config;
    private final SecureRandom random;
    private final Clock clock;

    private IkeState state = IkeState.WAITING_FOR_IKE_SA_INIT;
    private long spiI;
    private long spiR;
    private byte[] ni;
    private byte[] nr;
    private byte[] initRequest;
    private byte[] initResponse;
    private byte[] lastRequest;
    private byte[] lastResponse;
    private ProposalSelection.IkeSuite suite;
    private IkeSaKeys keys;
    private IkeMessageProtection protection;
    private IkeSa ikeSa;
    private Optional<Set<HashAlgorithm>> initiatorSignatureHashes = Optional.empty();
    private NatStatus natStatus = NatStatus.UNKNOWN;
    private NegotiatedChildSa childSa;
    private IkeFailure failure;

    /** With the system clock for the established IKE SA's timers. */
    public IkeResponder(IkeSessionConfig config, SecureRandom random) {
        this(config, random, Clock.system());
    }

    public IkeResponder(IkeSessionConfig config, SecureRandom random, Clock clock) {
        this.config = config;
        this.random = random;
        this.clock = clock;
    }

    /** One received datagram (without the non-ESP marker); returns the response, if any. */
    public List<byte[]> receive(byte[] datagram) {
        if (lastRequest != null && Arrays.equals(datagram, lastRequest)) {
            return List.of(lastResponse);
        }
        if (ikeSa != null) {
            return ikeSa.receive(datagram);
        }
        IkeMessage message;
        try {
            message = IkeMessage.decode(datagram);
        } catch (IkeProtocolException e) {
            // Only an IKE_SA_INIT request is answered, statelessly (§2.5); other garbage is dropped (§2.21).
            return state == IkeState.WAITING_FOR_IKE_SA_INIT
                    ? UnprotectedResponses.answer(datagram, e).stream().toList() : List.of();
        }
        IkeHeader header = message.header();
        if (header.isResponse() || !header.isInitiator()) {
            return List.of();
        }
        if (state == IkeState.WAITING_FOR_IKE_SA_INIT && header.exchangeType() == ExchangeType.IKE_SA_INIT
                && header.messageId() == 0 && header.responderSpi() == 0) {
            return onInitRequest(message, datagram);
        }
        if (state == IkeState.WAITING_FOR_IKE_AUTH && header.exchangeType() == ExchangeType.IKE_AUTH
                && header.messageId() == 1 && header.initiatorSpi() == spiI && header.responderSpi() == spiR) {
            return onAuthRequest(message, datagram);
        }
        return List.of();
    }

    private List<byte[]> onInitRequest(IkeMessage request, byte[] datagram) {
        IkeHeader header = request.header();
        try {
            Optional<ProposalSelection.IkeSuite> chosen = ProposalSelection.chooseIke(config.ike(),
                    Exchanges.required(request, SaPayload.class));
            if (chosen.isEmpty()) {
                fail(NotifyType.NO_PROPOSAL_CHOSEN, "no acceptable IKE proposal");
                return List.of(UnprotectedResponses.initError(header, NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN)));
            }
            suite = chosen.get();
            KePayload ke = Exchanges.required(request, KePayload.class);
            if (ke.group() != suite.group().groupNumber()) {
                // §1.2: name the group we want; the initiator retries with it. We keep no state.
                byte[] group = ByteBuffer.allocate(2).putShort((short) suite.group().groupNumber()).array();
                return List.of(UnprotectedResponses.initError(header,
                        NotifyPayload.of(NotifyType.INVALID_KE_PAYLOAD, group)));
            }
            KeyExchange keyExchange = suite.group().newKeyExchange(random);
            byte[] sharedSecret = keyExchange.sharedSecret(ke.keyExchangeData());
            spiI = header.initiatorSpi();
            spiR = Exchanges.ikeSpi(random);
            ni = Exchanges.required(request, NoncePayload.class).nonce();
            nr = Exchanges.nonce(random);
            keys = IkeSaKeys.derive(suite.prf(), suite.encryption(), ni, nr, sharedSecret, spiI, spiR);
            Arrays.fill(sharedSecret, (byte) 0);
            protection = new IkeMessageProtection(keys, false);
            natStatus = Exchanges.natStatus(request, spiI, 0, config.localAddress(), config.remoteAddress());
            initiatorSignatureHashes = Authentication.peerSignatureHashes(request);
            // §1.2: SAr1, KEr, Nr, [CERTREQ]; RFC 7427 §4 adds our SIGNATURE_HASH_ALGORITHMS
            List<IkePayload> payloads = new ArrayList<>();
            payloads.add(new SaPayload(List.of(suite.toProposal())));
            payloads.add(new KePayload(suite.group().groupNumber(), keyExchange.publicValue()));
            payloads.add(new NoncePayload(nr));
            payloads.addAll(Authentication.certificateRequest(config.authentication()));
            payloads.addAll(Exchanges.natDetection(spiI, spiR, config.localAddress(), config.remoteAddress()));
            payloads.addAll(Authentication.signatureHashAlgorithms(config.authentication()));
            initRequest = datagram;
            initResponse = new IkeMessage(IkeHeader.of(spiI, spiR, ExchangeType.IKE_SA_INIT, IkeHeader.FLAG_RESPONSE, 0),
                    payloads).encode();
            state = IkeState.WAITING_FOR_IKE_AUTH;
            return answered(datagram, initResponse);
        } catch (IkeProtocolException e) {
            return List.of(UnprotectedResponses.initError(header, e.toNotify()));
        }
    }

    private List<byte[]> onAuthRequest(IkeMessage outer, byte[] datagram) {
        IkeMessage request;
        try {
            Optional<IkeMessage> opened = protection.open(outer, datagram);
            if (opened.isEmpty()) {
                return List.of();
            }
            request = opened.get();
        } catch (IkeProtocolException e) {
            fail(e.notifyType(), "malformed IKE_AUTH: " + e.getMessage());
            return answered(datagram, authResponse(List.of(e.toNotify())));
        }
        try {
            List<byte[]> response = answered(datagram, authResponse(authenticate(request)));
            // §2.2: the initiator's IKE_SA_INIT and IKE_AUTH used its message IDs 0 and 1.
            ikeSa = new IkeSa(config, random, clock, new IkeSaChannel(spiI, spiR, false, keys, suite, clock, 0, 2),
                    Optional.ofNullable(childSa));
            return response;
        } catch (IkeProtocolException e) {
            fail(e.notifyType(), e.getMessage());
            return answered(datagram, authResponse(List.of(e.toNotify())));
        }
    }

    /** Checks the initiator's identity and AUTH; returns our IDr, AUTH and the CHILD SA part. */
    private List<IkePayload> authenticate(IkeMessage request) throws IkeProtocolException {
        IdPayload idi = (IdPayload) request.firstOfType(PayloadType.IDENTIFICATION_INITIATOR)
                .orElseThrow(() -> IkeProtocolException.invalidSyntax("IKE_AUTH without IDi"));
        AuthPayload auth = Exchanges.required(request, AuthPayload.class);
        if (!idi.sameIdentity(config.remoteId())) {
            throw new IkeProtocolException(NotifyType.AUTHENTICATION_FAILED, "the initiator is " + idi.display()
                    + ", not " + config.remoteId().display());
        }
        int ourAuthMethod = Authentication.ourAuthMethod(config.authentication(), initiatorSignatureHashes,
                "initiator");
        Authentication.verifyPeer(config.authentication(), keys, true, request, auth, idi, initRequest, nr);
        IdPayload idr = config.localId().as(false);
        // §1.2: IDr, [CERT,] AUTH, SAr2, TSi, TSr
        List<IkePayload> response = new ArrayList<>();
        response.add(idr);
        response.addAll(Authentication.certificates(config.authentication()));
        response.add(Authentication.ours(config.authentication(), ourAuthMethod, keys, false, initResponse, ni, idr));
        state = IkeState.ESTABLISHED;
        response.addAll(childSa(request));
        return response;
    }

    /** §1.2 and §2.21.2: a CHILD SA that cannot be made leaves the IKE SA up and says why. */
    private List<IkePayload> childSa(IkeMessage request) throws IkeProtocolException {
        Optional<ProposalSelection.EspSuite> suite = ProposalSelection.chooseEsp(config.esp(),
                Exchanges.required(request, SaPayload.class));
        if (suite.isEmpty()) {
            failure = new IkeFailure(NotifyType.NO_PROPOSAL_CHOSEN, "IKE SA up, no acceptable ESP proposal");
            return List.of(NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN));
        }
        List<TrafficSelector> tsi = Exchanges.selectors(request, PayloadType.TRAFFIC_SELECTOR_INITIATOR);
        List<TrafficSelector> tsr = Exchanges.selectors(request, PayloadType.TRAFFIC_SELECTOR_RESPONDER);
        // The initiator's side is our remote side; we narrow both to what we are configured for.
        if (!Exchanges.covers(tsi, config.remoteTrafficSelectors())
                || !Exchanges.covers(tsr, config.localTrafficSelectors())) {
            failure = new IkeFailure(NotifyType.TS_UNACCEPTABLE, "IKE SA up, traffic selectors " + tsi + " <-> " + tsr
                    + " do not cover ours");
            return List.of(NotifyPayload.of(NotifyType.TS_UNACCEPTABLE));
        }
        int ourSpi = config.inboundSpis().next(random);
        ChildSaKeys childKeys = ChildSaKeys.derive(keys.prf(), keys.skD(), suite.get().encryption(), ni, nr);
        childSa = new NegotiatedChildSa(ourSpi, suite.get().senderSpi(), suite.get().encryption(), suite.get().esn(),
                childKeys.initiatorToResponder(), childKeys.responderToInitiator(), config.localTrafficSelectors(),
                config.remoteTrafficSelectors());
        return List.of(new SaPayload(List.of(suite.get().toProposal(ourSpi))),
                new TrafficSelectorPayload(true, config.remoteTrafficSelectors()),
                new TrafficSelectorPayload(false, config.localTrafficSelectors()));
    }

    private byte[] authResponse(List<? extends IkePayload> inner) {
        return protection.seal(IkeHeader.of(spiI, spiR, ExchangeType.IKE_AUTH, IkeHeader.FLAG_RESPONSE, 1), inner);
    }

    /** Remembers the exchange so a retransmitted request gets the very same octets back (§2.1). */
    private List<byte[]> answered(byte[] request, byte[] response) {
        lastRequest = request;
        lastResponse = response;
        return List.of(response);
    }

    private void fail(int notifyType, String reason) {
        state = IkeState.FAILED;
        failure = new IkeFailure(notifyType, reason);
    }

    /** {@link IkeState#FAILED} also once an established IKE SA closed ({@link #failure()} says why). */
    public IkeState state() {
        return ikeSa != null && ikeSa.closed() ? IkeState.FAILED : state;
    }

    /** Call periodically once established: the IKE SA's retransmissions, liveness checks and rekeys. */
    public List<byte[]> onTimer() {
        return ikeSa == null ? List.of() : ikeSa.onTimer();
    }

    /** The established IKE SA: rekeys, deletes, liveness and its {@link IkeEvent}s. */
    public Optional<IkeSa> ikeSa() {
        return Optional.ofNullable(ikeSa);
    }

    /** The first CHILD SA once established with one (later ones: {@link IkeSa#pollEvents()}). */
    public Optional<NegotiatedChildSa> childSa() {
        return Optional.ofNullable(childSa);
    }

    public Optional<IkeFailure> failure() {
        return ikeSa != null && ikeSa.closed() ? ikeSa.closedBecause() : Optional.ofNullable(failure);
    }

    public NatStatus natStatus() {
        return natStatus;
    }

    /** The initiator's SPI of the IKE SA being set up; 0 before an IKE_SA_INIT was answered. */
    public long initiatorSpi() {
        return spiI;
    }

    @Override
    public String toString() {
        return String.format("IkeResponder[%016x/%016x %s %s]", spiI, spiR, state, config.remoteId().display());
    }
}
