package espgw.ike.session;

import espgw.ike.crypto.KeyExchange;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.KePayload;
import espgw.ike.message.NoncePayload;
import espgw.ike.message.NotifyPayload;
import espgw.ike.message.NotifyType;
import espgw.ike.message.PayloadType;
import espgw.ike.message.Proposal;
import espgw.ike.message.ProtocolId;
import espgw.ike.message.SaPayload;
import espgw.ike.message.TrafficSelector;
import espgw.ike.message.TrafficSelectorPayload;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The CREATE_CHILD_SA messages (RFC 7296 §1.3) espgw sends and understands, built and parsed in
 * one place: a new CHILD SA (§1.3.1) and a CHILD SA rekey (§1.3.3), both with a KE payload when
 * the ESP proposal names groups (PFS), and rekeying the IKE SA (§1.3.2). Key derivation is the caller's.
 */
final class CreateChildSa {
    /** §3.3.1: an IKE SA's proposal in CREATE_CHILD_SA carries the sender's new 8-octet SPI. */
    static final int IKE_SPI_SIZE = 8;

    /**
     * A request for a new CHILD SA or a CHILD SA rekey as the responder sees it.
     *
     * @param rekeyedSpi the responder's outbound SPI of the pair replaced; empty for a new CHILD SA
     */
    record ChildSaRequest(OptionalInt rekeyedSpi, ProposalSelection.EspSuite suite, byte[] ni,
            Optional<KePayload> ke, List<TrafficSelector> tsi, List<TrafficSelector> tsr) {
    }

    /** The responder's answer to our new CHILD SA or CHILD SA rekey. */
    record ChildSaResponse(ProposalSelection.EspSuite suite, byte[] nr, Optional<KePayload> ke,
            List<TrafficSelector> tsi, List<TrafficSelector> tsr) {
    }

    /** An IKE SA rekey request (§1.3.2) or its answer: the chosen suite, the sender's new SPI, nonce and KE. */
    record IkeRekey(ProposalSelection.IkeSuite suite, long spi, byte[] nonce, KePayload ke) {
    }

    private CreateChildSa() {
    }

    static boolean isChildRekey(IkeMessage request) {
        return request.notify(NotifyType.REKEY_SA).isPresent();
    }

    /** §1.3.2: an SA payload offering protocol IKE and no REKEY_SA. */
    static boolean isIkeRekey(IkeMessage request) {
        return !isChildRekey(request) && request.first(SaPayload.class)
                .map(sa -> !sa.proposals().isEmpty() && sa.proposals().get(0).protocolId() == ProtocolId.IKE)
                .orElse(false);
    }

    /**
     * §1.3.1, §1.3.3: SK {[N(REKEY_SA)], SA, Ni, [KEi], TSi, TSr}; a rekey's notify names our
     * inbound SPI of the SA replaced. With PFS the proposal offers our groups, the KE's first (§1.3:
     * the peer may ask for another with INVALID_KE_PAYLOAD), and NONE if we also do without;
     * without PFS, neither KE nor groups.
     *
     * @param rekeyedInboundSpi our inbound SPI of the pair a rekey replaces; empty for a new CHILD SA
     */
    static List<IkePayload> childSaRequest(OptionalInt rekeyedInboundSpi, EspAlgorithms esp, int newInboundSpi,
            byte[] ni, Optional<KeyExchange> pfs, List<TrafficSelector> tsi, List<TrafficSelector> tsr) {
        List<IkePayload> payloads = new ArrayList<>();
        rekeyedInboundSpi.ifPresent(spi ->
                payloads.add(new NotifyPayload(ProtocolId.ESP, spiBytes(spi), NotifyType.REKEY_SA, new byte[0])));
        payloads.add(new SaPayload(List.of(esp.proposal(newInboundSpi, pfs.map(KeyExchange::group)))));
        payloads.add(new NoncePayload(ni));
        pfs.ifPresent(ke -> payloads.add(new KePayload(ke.group().groupNumber(), ke.publicValue())));
        payloads.add(new TrafficSelectorPayload(true, tsi));
        payloads.add(new TrafficSelectorPayload(false, tsr));
        return payloads;
    }

    /**
     * The responder's reading of a request for a new CHILD SA or a CHILD SA rekey. With a PFS group
     * chosen the KE must be of it; with none chosen (the offer allowed NONE) a KE is ignored (§1.3.1).
     *
     * @throws IkeProtocolException NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD (naming the group we
     *     want) or INVALID_SYNTAX, to be answered with that notify
     */
    static ChildSaRequest parseChildSaRequest(IkeMessage request, EspAlgorithms esp) throws IkeProtocolException {
        Optional<NotifyPayload> rekey = request.notify(NotifyType.REKEY_SA);
        if (rekey.isPresent() && (rekey.get().protocolId() != ProtocolId.ESP || rekey.get().spi().length != 4)) {
            throw IkeProtocolException.invalidSyntax("REKEY_SA for protocol " + rekey.get().protocolId());
        }
        SaPayload sa = Exchanges.required(request, SaPayload.class);
        Optional<KePayload> ke = request.first(KePayload.class);
        OptionalInt keGroup = ke.isPresent() ? OptionalInt.of(ke.get().group()) : OptionalInt.empty();
        ProposalSelection.EspSuite suite = ProposalSelection.chooseEspWithPfs(esp, sa, keGroup).orElseThrow(
                () -> new IkeProtocolException(NotifyType.NO_PROPOSAL_CHOSEN, "no acceptable ESP proposal"));
        if (suite.group().isPresent() && (ke.isEmpty() || ke.get().group() != suite.group().get().groupNumber())) {
            // §1.3: name the group we want; the initiator may retry with it.
            throw new IkeProtocolException(NotifyType.INVALID_KE_PAYLOAD, groupData(suite.group().get()),
                    "KE of another group than the proposal's");
        }
        OptionalInt rekeyedSpi = rekey.isPresent()
                ? OptionalInt.of(ByteBuffer.wrap(rekey.get().spi()).getInt()) : OptionalInt.empty();
        return new ChildSaRequest(rekeyedSpi, suite, Exchanges.required(request, NoncePayload.class).nonce(),
                ke.filter(k -> suite.group().isPresent()),
                Exchanges.selectors(request, PayloadType.TRAFFIC_SELECTOR_INITIATOR),
                Exchanges.selectors(request, PayloadType.TRAFFIC_SELECTOR_RESPONDER));
    }

    /** §1.3.1, §1.3.3: SK {SA, Nr, [KEr], TSi, TSr}; the chosen proposal names the PFS group if there is a KE. */
    static List<IkePayload> childSaResponse(ProposalSelection.EspSuite suite, int ourSpi, byte[] nr,
            Optional<KeyExchange> pfs, List<TrafficSelector> tsi, List<TrafficSelector> tsr) {
        List<IkePayload> payloads = new ArrayList<>();
        payloads.add(new SaPayload(List.of(suite.toProposal(ourSpi))));
        payloads.add(new NoncePayload(nr));
        pfs.ifPresent(k -> payloads.add(new KePayload(k.group().groupNumber(), k.publicValue())));
        payloads.add(new TrafficSelectorPayload(true, tsi));
        payloads.add(new TrafficSelectorPayload(false, tsr));
        return payloads;
    }

    /**
     * The initiator's check of the answer: one of our proposals, and a KE exactly when it names a
     * PFS group, which must be our KE's; none when the responder chose no PFS (if we allowed it).
     *
     * @param sent the group of the KE we sent, empty if none
     */
    static ChildSaResponse parseChildSaResponse(IkeMessage response, EspAlgorithms esp,
            Optional<KeyExchangeGroup> sent) throws IkeProtocolException {
        SaPayload sa = Exchanges.required(response, SaPayload.class);
        Optional<KePayload> ke = response.first(KePayload.class);
        Optional<ProposalSelection.EspSuite> suite = ProposalSelection.acceptEspWithPfs(esp, sa, sent);
        if (suite.isEmpty() || ke.isPresent() != suite.get().group().isPresent()
                || ke.isPresent() && ke.get().group() != suite.get().group().get().groupNumber()) {
            throw new IkeProtocolException(NotifyType.NO_PROPOSAL_CHOSEN, "the answer is not one of our offers");
        }
        return new ChildSaResponse(suite.get(), Exchanges.required(response, NoncePayload.class).nonce(), ke,
                Exchanges.selectors(response, PayloadType.TRAFFIC_SELECTOR_INITIATOR),
                Exchanges.selectors(response, PayloadType.TRAFFIC_SELECTOR_RESPONDER));
    }

    /** §1.3.2: SK {SA, Ni, KEi}; the proposal carries our SPI of the new IKE SA. */
    static List<IkePayload> ikeRekeyRequest(IkeAlgorithms ike, long newSpi, byte[] ni, KeyExchange ke) {
        Proposal offer = ike.proposal();
        return List.of(new SaPayload(List.of(new Proposal(offer.proposalNumber(), ProtocolId.IKE, ikeSpiBytes(newSpi),
                offer.transforms()))), new NoncePayload(ni), new KePayload(ke.group().groupNumber(), ke.publicValue()));
    }

    /** The responder's reading of an IKE SA rekey: the KE must be of the chosen group. */
    static IkeRekey parseIkeRekeyRequest(IkeMessage request, IkeAlgorithms ike) throws IkeProtocolException {
        SaPayload sa = Exchanges.required(request, SaPayload.class);
        ProposalSelection.IkeSuite suite = ProposalSelection.chooseIke(ike, sa).orElseThrow(
                () -> new IkeProtocolException(NotifyType.NO_PROPOSAL_CHOSEN, "no acceptable IKE proposal"));
        Proposal chosen = sa.proposals().stream().filter(p -> p.proposalNumber() == suite.proposalNumber())
                .findFirst().orElseThrow();
        KePayload ke = Exchanges.required(request, KePayload.class);
        if (ke.group() != suite.group().groupNumber()) {
            throw new IkeProtocolException(NotifyType.INVALID_KE_PAYLOAD, groupData(suite.group()),
                    "KE of group " + ke.group());
        }
        return new IkeRekey(suite, ikeSpi(chosen), Exchanges.required(request, NoncePayload.class).nonce(), ke);
    }

    /** §1.3.2: SK {SA, Nr, KEr}, the chosen proposal with our new SPI. */
    static List<IkePayload> ikeRekeyResponse(ProposalSelection.IkeSuite suite, long newSpi, byte[] nr, KeyExchange ke) {
        Proposal answer = suite.toProposal();
        return List.of(new SaPayload(List.of(new Proposal(answer.proposalNumber(), ProtocolId.IKE, ikeSpiBytes(newSpi),
                answer.transforms()))), new NoncePayload(nr),
                new KePayload(ke.group().groupNumber(), ke.publicValue()));
    }

    static IkeRekey parseIkeRekeyResponse(IkeMessage response, IkeAlgorithms ike, KeyExchangeGroup sent)
            throws IkeProtocolException {
        SaPayload sa = Exchanges.required(response, SaPayload.class);
        ProposalSelection.IkeSuite suite = ProposalSelection.acceptIke(ike, sa).orElseThrow(
                () -> new IkeProtocolException(NotifyType.NO_PROPOSAL_CHOSEN, "the answer is not one of our offers"));
        KePayload ke = Exchanges.required(response, KePayload.class);
        if (suite.group() != sent || ke.group() != sent.groupNumber()) {
            throw new IkeProtocolException(NotifyType.INVALID_KE_PAYLOAD, "the answer's group is not our KE's");
        }
        return new IkeRekey(suite, ikeSpi(sa.proposals().get(0)), Exchanges.required(response, NoncePayload.class)
                .nonce(), ke);
    }

    private static long ikeSpi(Proposal proposal) throws IkeProtocolException {
        byte[] spi = proposal.spi();
        if (spi.length != IKE_SPI_SIZE || ByteBuffer.wrap(spi).getLong() == 0) {
            throw IkeProtocolException.invalidSyntax("IKE SA proposal with an SPI of " + spi.length + " octets");
        }
        return ByteBuffer.wrap(spi).getLong();
    }

    static byte[] spiBytes(int spi) {
        return ByteBuffer.allocate(4).putInt(spi).array();
    }

    private static byte[] ikeSpiBytes(long spi) {
        return ByteBuffer.allocate(IKE_SPI_SIZE).putLong(spi).array();
    }

    /** The group an INVALID_KE_PAYLOAD asks for (§3.10.1: its data is the two-octet group number). */
    static Optional<KeyExchangeGroup> requestedGroup(IkeMessage response) {
        return response.notify(NotifyType.INVALID_KE_PAYLOAD).map(NotifyPayload::data).filter(d -> d.length == 2)
                .flatMap(d -> KeyExchangeGroup.fromGroupNumber(ByteBuffer.wrap(d).getShort() & 0xFFFF));
    }

    private static byte[] groupData(KeyExchangeGroup group) {
        return ByteBuffer.allocate(2).putShort((short) group.groupNumber()).array();
    }
}
