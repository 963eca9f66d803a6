package espgw.ike.session;

import espgw.ike.crypto.ChildSaKeys;
import espgw.ike.crypto.IkeMessageProtection;
import espgw.ike.crypto.IkeSaKeys;
import espgw.ike.crypto.KeyExchange;
import espgw.ike.crypto.KeyExchangeGroup;
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

/**
 * The initiator of an IKE SA and its first CHILD SA (RFC 7296 §1.2): IKE_SA_INIT (retried with
 * the group an INVALID_KE_PAYLOAD asks for, §1.2, and with a COOKIE, §2.6), then IKE_AUTH with
 * a pre-shared key or certificates ({@link IkeAuthentication}). Once established, {@link #ikeSa()}
 * serves the IKE SA (liveness, deletes, rekeys) and {@link #receive(byte[])} and {@link #onTimer()}
 * hand over to it; when it closes (peer dead, deleted) the state becomes {@link IkeState#FAILED}.
 * No I/O: {@link #start()}, {@link #receive(byte[])} and {@link #onTimer()} return the datagrams
 * to send. Confined to one thread.
 */
public final class IkeInitiator {
    private final IkeSessionConfig config;
    private final SecureRandom random;
    private final Clock clock;
    private final Retransmission retransmission;
    private final long spiI;
    private final byte[] ni;
    private final int childSpi;

    private IkeState state = IkeState.NEW;
    private KeyExchange keyExchange;
    private byte[] cookie;
    private byte[] initRequest;
    private byte[] initResponse;
    private long spiR;
    private byte[] nr;
    /** Chosen from the responder's IKE_SA_INIT (RFC 7427 §4), before we send IKE_AUTH. */
    private int ourAuthMethod;
    private ProposalSelection.IkeSuite suite;
    private IkeSaKeys keys;
    private IkeMessageProtection protection;
    private IkeSa ikeSa;
    private NatStatus natStatus = NatStatus.UNKNOWN;
    private NegotiatedChildSa childSa;
    private IkeFailure failure;

    public IkeInitiator(IkeSessionConfig config, SecureRandom random, Clock clock) {
        this.config = config;
        this.random = random;
        this.clock = clock;
        this.retransmission = new Retransmission(clock);
        this.spiI = Exchanges.ikeSpi(random);
        this.ni = Exchanges.nonce(random);
        this.childSpi = config.inboundSpis().next(random);
        this.keyExchange = config.ike().groups().get(0).newKeyExchange(random);
    }

    /** The first IKE_SA_INIT request. */
    public List<byte[]> start() {
        if (state != IkeState.NEW) {
            throw new IllegalStateException("already started: " + state);
        }
        state = IkeState.IKE_SA_INIT_SENT;
        return List.of(sendInit());
    }

    /**
     * One received datagram (without the non-ESP marker). Anything that is not the expected
     * response is dropped: a stray or forged datagram never changes the state.
     */
    public List<byte[]> receive(byte[] datagram) {
        if (ikeSa != null) {
            return ikeSa.receive(datagram);
        }
        IkeMessage message;
        try {
            message = IkeMessage.decode(datagram);
        } catch (IkeProtocolException e) {
            return List.of();
        }
        IkeHeader header = message.header();
        if (!header.isResponse() || header.initiatorSpi() != spiI) {
            return List.of();
        }
        try {
            if (state == IkeState.IKE_SA_INIT_SENT && header.exchangeType() == ExchangeType.IKE_SA_INIT
                    && header.messageId() == 0) {
                return onInitResponse(message, datagram);
            }
            if (state == IkeState.IKE_AUTH_SENT && header.exchangeType() == ExchangeType.IKE_AUTH
                    && header.messageId() == 1 && header.responderSpi() == spiR) {
                return onAuthResponse(message, datagram);
            }
        } catch (IkeProtocolException e) {
            fail(e.notifyType(), "the response is unacceptable: " + e.getMessage());
        }
        return List.of();
    }

    /** Call periodically: retransmits the outstanding request when due, gives up after the last try. */
    public List<byte[]> onTimer() {
        if (ikeSa != null) {
            return ikeSa.onTimer();
        }
        if (retransmission.exhausted()) {
            fail(IkeFailure.NO_NOTIFY, "no response after " + Retransmission.MAX_RETRANSMISSIONS + " retransmissions");
            return List.of();
        }
        byte[] again = retransmission.retransmitIfDue();
        return again == null ? List.of() : List.of(again);
    }

    private List<byte[]> onInitResponse(IkeMessage response, byte[] datagram) throws IkeProtocolException {
        Optional<NotifyPayload> cookieNotify = response.notify(NotifyType.COOKIE);
        if (cookieNotify.isPresent() && cookie == null) {
            cookie = cookieNotify.get().data();
            return List.of(sendInit());
        }
        Optional<NotifyPayload> invalidKe = response.notify(NotifyType.INVALID_KE_PAYLOAD);
        if (invalidKe.isPresent()) {
            return retryWithGroup(invalidKe.get());
        }
        Optional<NotifyPayload> error = response.firstError();
        if (error.isPresent()) {
            fail(error.get().notifyType(), "the responder refused IKE_SA_INIT");
            return List.of();
        }
        try {
            ourAuthMethod = Authentication.ourAuthMethod(config.authentication(),
                    Authentication.peerSignatureHashes(response), "responder");
        } catch (IkeProtocolException e) {
            fail(e.notifyType(), e.getMessage());
            return List.of();
        }
        suite = ProposalSelection.acceptIke(config.ike(), Exchanges.required(response, SaPayload.class))
                .orElseThrow(() -> new IkeProtocolException(NotifyType.NO_PROPOSAL_CHOSEN,
                        "the responder chose a proposal we did not offer"));
        KePayload ke = Exchanges.required(response, KePayload.class);
        if (suite.group() != keyExchange.group() || ke.group() != keyExchange.group().groupNumber()) {
            throw new IkeProtocolException(NotifyType.INVALID_KE_PAYLOAD, "KE of group " + ke.group()
                    + " does not match our " + keyExchange.group());
        }
        if (response.header().responderSpi() == 0) {
            throw IkeProtocolException.invalidSyntax("a responder SPI of zero");
        }
        spiR = response.header().responderSpi();
        nr = Exchanges.required(response, NoncePayload.class).nonce();
        byte[] sharedSecret = keyExchange.sharedSecret(ke.keyExchangeData());
        keys = IkeSaKeys.derive(suite.prf(), suite.encryption(), ni, nr, sharedSecret, spiI, spiR);
        Arrays.fill(sharedSecret, (byte) 0);
        protection = new IkeMessageProtection(keys, true);
        natStatus = Exchanges.natStatus(response, spiI, spiR, config.localAddress(), config.remoteAddress());
        initResponse = datagram;
        state = IkeState.IKE_AUTH_SENT;
        return List.of(retransmission.sent(authRequest()));
    }

    private List<byte[]> retryWithGroup(NotifyPayload invalidKe) {
        byte[] data = invalidKe.data();
        Optional<KeyExchangeGroup> wanted = data.length == 2
                ? KeyExchangeGroup.fromGroupNumber(ByteBuffer.wrap(data).getShort() & 0xFFFF)
                        .filter(config.ike().groups()::contains)
                : Optional.empty();
        if (wanted.isEmpty() || wanted.get() == keyExchange.group()) {
            fail(NotifyType.INVALID_KE_PAYLOAD, "the responder wants a group we did not offer or already sent");
            return List.of();
        }
        // §1.2: retry with the group the responder asked for (a new private value, the same SPI and nonce).
        keyExchange = wanted.get().newKeyExchange(random);
        return List.of(sendInit());
    }

    private byte[] sendInit() {
        List<IkePayload> payloads = new ArrayList<>();
        if (cookie != null) {
            // §2.6: the COOKIE notify goes first.
            payloads.add(NotifyPayload.of(NotifyType.COOKIE, cookie));
        }
        payloads.add(new SaPayload(List.of(config.ike().proposal())));
        payloads.add(new KePayload(keyExchange.group().groupNumber(), keyExchange.publicValue()));
        payloads.add(new NoncePayload(ni));
        payloads.addAll(Exchanges.natDetection(spiI, 0, config.localAddress(), config.remoteAddress()));
        payloads.addAll(Authentication.signatureHashAlgorithms(config.authentication()));
        initRequest = new IkeMessage(IkeHeader.of(spiI, 0, ExchangeType.IKE_SA_INIT, IkeHeader.FLAG_INITIATOR, 0),
                payloads).encode();
        return retransmission.sent(initRequest);
    }

    private byte[] authRequest() {
        IdPayload idi = config.localId().as(true);
        IkeAuthentication authentication = config.authentication();
        // §1.2: IDi, [CERT,] [CERTREQ,] [IDr,] AUTH, SAi2, TSi, TSr
        List<IkePayload> inner = new ArrayList<>();
        inner.add(idi);
        inner.addAll(Authentication.certificates(authentication));
        inner.add(NotifyPayload.of(NotifyType.INITIAL_CONTACT));
        inner.addAll(Authentication.certificateRequest(authentication));
        inner.add(config.remoteId().as(false));
        inner.add(Authentication.ours(authentication, ourAuthMethod, keys, true, initRequest, nr, idi));
        inner.add(new SaPayload(List.of(config.esp().proposal(childSpi))));
        inner.add(new TrafficSelectorPayload(true, config.localTrafficSelectors()));
        inner.add(new TrafficSelectorPayload(false, config.remoteTrafficSelectors()));
        return protection.seal(IkeHeader.of(spiI, spiR, ExchangeType.IKE_AUTH, IkeHeader.FLAG_INITIATOR, 1), inner);
    }

    private List<byte[]> onAuthResponse(IkeMessage outer, byte[] datagram) throws IkeProtocolException {
        Optional<IkeMessage> opened = protection.open(outer, datagram);
        if (opened.isEmpty()) {
            return List.of();
        }
        retransmission.answered();
        IkeMessage response = opened.get();
        Optional<AuthPayload> auth = response.first(AuthPayload.class);
        Optional<IkePayload> idr = response.firstOfType(PayloadType.IDENTIFICATION_RESPONDER);
        if (auth.isEmpty() || idr.isEmpty()) {
            int notify = response.firstError().map(NotifyPayload::notifyType).orElse(NotifyType.AUTHENTICATION_FAILED);
            fail(notify, "the responder did not authenticate");
            return List.of();
        }
        IdPayload responderId = (IdPayload) idr.get();
        if (!responderId.sameIdentity(config.remoteId())) {
            fail(NotifyType.AUTHENTICATION_FAILED, "the responder is " + responderId.display() + ", not "
                    + config.remoteId().display());
            return List.of();
        }
        try {
            Authentication.verifyPeer(config.authentication(), keys, false, response, auth.get(), responderId,
                    initResponse, ni);
        } catch (IkeProtocolException e) {
            fail(e.notifyType(), e.getMessage());
            return List.of();
        }
        state = IkeState.ESTABLISHED;
        Optional<NotifyPayload> childError = response.firstError();
        if (childError.isPresent()) {
            failure = new IkeFailure(childError.get().notifyType(), "IKE SA up, but no CHILD SA");
        } else {
            establishChild(response);
        }
        // §2.2: IKE_SA_INIT and IKE_AUTH used our message IDs 0 and 1.
        ikeSa = new IkeSa(config, random, clock, new IkeSaChannel(spiI, spiR, true, keys, suite, clock, 2, 0),
                Optional.ofNullable(childSa));
        return List.of();
    }

    private void establishChild(IkeMessage response) throws IkeProtocolException {
        Optional<ProposalSelection.EspSuite> suite = response.first(SaPayload.class)
                .flatMap(sa -> ProposalSelection.acceptEsp(config.esp(), sa));
        if (suite.isEmpty()) {
            failure = new IkeFailure(NotifyType.NO_PROPOSAL_CHOSEN, "the responder chose an ESP proposal we did not offer");
            return;
        }
        List<TrafficSelector> tsi = Exchanges.selectors(response, PayloadType.TRAFFIC_SELECTOR_INITIATOR);
        List<TrafficSelector> tsr = Exchanges.selectors(response, PayloadType.TRAFFIC_SELECTOR_RESPONDER);
        if (!Exchanges.covers(config.localTrafficSelectors(), tsi)
                || !Exchanges.covers(config.remoteTrafficSelectors(), tsr)) {
            failure = new IkeFailure(NotifyType.TS_UNACCEPTABLE, "the responder widened the traffic selectors");
            return;
        }
        ChildSaKeys childKeys = ChildSaKeys.derive(keys.prf(), keys.skD(), suite.get().encryption(), ni, nr);
        childSa = new NegotiatedChildSa(childSpi, suite.get().senderSpi(), suite.get().encryption(), suite.get().esn(),
                childKeys.responderToInitiator(), childKeys.initiatorToResponder(), tsi, tsr);
    }

    private void fail(int notifyType, String reason) {
        retransmission.answered();
        state = IkeState.FAILED;
        failure = new IkeFailure(notifyType, reason);
    }

    /** {@link IkeState#FAILED} also once an established IKE SA closed ({@link #failure()} says why). */
    public IkeState state() {
        return ikeSa != null && ikeSa.closed() ? IkeState.FAILED : state;
    }

    /** The established IKE SA: rekeys, deletes, liveness and its {@link IkeEvent}s. */
    public Optional<IkeSa> ikeSa() {
        return Optional.ofNullable(ikeSa);
    }

    /** The first CHILD SA once established with one (later ones: {@link IkeSa#pollEvents()}). */
    public Optional<NegotiatedChildSa> childSa() {
        return Optional.ofNullable(childSa);
    }

    /** Why the setup or its CHILD SA failed. */
    public Optional<IkeFailure> failure() {
        return ikeSa != null && ikeSa.closed() ? ikeSa.closedBecause() : Optional.ofNullable(failure);
    }

    public NatStatus natStatus() {
        return natStatus;
    }

    public long initiatorSpi() {
        return spiI;
    }

    /** How often the outstanding IKE_SA_INIT or IKE_AUTH request was sent again (§2.1). */
    public int retransmissions() {
        return retransmission.retransmissions();
    }

    @Override
    public String toString() {
        return String.format("IkeInitiator[%016x %s %s]", spiI, state, config.remoteId().display());
    }
}
