package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.KePayload;
import espgw.ike.message.NoncePayload;
import espgw.ike.message.NotifyType;
import espgw.ike.message.Proposal;
import espgw.ike.message.ProtocolId;
import espgw.ike.message.SaPayload;
import espgw.ike.message.TrafficSelectorPayload;
import espgw.ike.message.Transform;
import espgw.testing.LeakCheckExtension;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PFS in CREATE_CHILD_SA (RFC 7296 §1.3.1, §1.3.3) as strongSwan negotiates it: which D-H
 * transform a responder chooses from an offer and its KE, and which answers an initiator accepts.
 */
@ExtendWith(LeakCheckExtension.class)
class ChildSaPfsSelectionTest {
    private static final KeyExchangeGroup X25519 = KeyExchangeGroup.CURVE25519;
    private static final KeyExchangeGroup ECP256 = KeyExchangeGroup.ECP_256;
    private static final Transform NONE = Transform.of(Transform.TYPE_DH, Transform.GROUP_NONE);
    private static final List<IkeEncryption> AES128 = List.of(IkeEncryption.AES_GCM_16_128);
    /** strongSwan's {@code aes128gcm16}. */
    private static final EspAlgorithms NO_PFS = new EspAlgorithms(AES128, List.of(false));
    /** strongSwan's {@code aes128gcm16-x25519}. */
    private static final EspAlgorithms X25519_REQUIRED = new EspAlgorithms(AES128, List.of(false), List.of(X25519),
            false);
    /** strongSwan's {@code aes128gcm16-ecp256}. */
    private static final EspAlgorithms ECP256_REQUIRED = new EspAlgorithms(AES128, List.of(false), List.of(ECP256),
            false);
    /** strongSwan's {@code aes128gcm16-x25519-modpnone}, like espgw's default. */
    private static final EspAlgorithms X25519_OPTIONAL = new EspAlgorithms(AES128, List.of(false), List.of(X25519),
            true);

    private final SecureRandom random = new SecureRandom();

    // ---- as responder ----

    @Test
    void aKeInTheOfferedGroupWeRequireGivesPfsInIt() throws Exception {
        CreateChildSa.ChildSaRequest request = CreateChildSa.parseChildSaRequest(
                request(offer(X25519.transform()), Optional.of(X25519)), X25519_REQUIRED);
        assertEquals(Optional.of(X25519), request.suite().group());
        assertEquals(X25519.groupNumber(), request.ke().orElseThrow().group());
    }

    @Test
    void withoutGroupsAnOfferOfOnlyGroupsIsNoProposalChosenAsCharonAnswers() {
        assertRefused(NotifyType.NO_PROPOSAL_CHOSEN, offer(X25519.transform()), Optional.of(X25519), NO_PFS);
    }

    @Test
    void withoutGroupsAnOfferThatAllowsNoneIsAcceptedAndItsKeIgnored() throws Exception {
        CreateChildSa.ChildSaRequest request = CreateChildSa.parseChildSaRequest(
                request(offer(X25519.transform(), ECP256.transform(), NONE), Optional.of(X25519)), NO_PFS);
        assertEquals(Optional.empty(), request.suite().group());
        assertTrue(request.ke().isEmpty(), "§1.3.1: NONE chosen, the KE is not used");
        assertEquals(List.of(Transform.TYPE_ENCR, Transform.TYPE_ESN), types(request.suite().toProposal(1)),
                "the answer names no group");
    }

    @Test
    void withoutGroupsTheSecondProposalWithoutGroupsIsChosen() throws Exception {
        SaPayload twoProposals = new SaPayload(List.of(proposal(1, X25519.transform()), proposal(2)));
        CreateChildSa.ChildSaRequest request = CreateChildSa.parseChildSaRequest(
                request(twoProposals, Optional.of(X25519)), NO_PFS);
        assertEquals(2, request.suite().proposalNumber());
        assertEquals(Optional.empty(), request.suite().group());
    }

    @Test
    void requiredPfsRefusesAnOfferWithoutGroups() {
        assertRefused(NotifyType.NO_PROPOSAL_CHOSEN, offer(), Optional.empty(), X25519_REQUIRED);
    }

    @Test
    void optionalPfsAcceptsAnOfferWithoutGroupsOrKe() throws Exception {
        CreateChildSa.ChildSaRequest request = CreateChildSa.parseChildSaRequest(request(offer(), Optional.empty()),
                X25519_OPTIONAL);
        assertEquals(Optional.empty(), request.suite().group());
    }

    @Test
    void optionalPfsPrefersTheOfferedGroupToNone() throws Exception {
        CreateChildSa.ChildSaRequest request = CreateChildSa.parseChildSaRequest(
                request(offer(X25519.transform(), NONE), Optional.of(X25519)), X25519_OPTIONAL);
        assertEquals(Optional.of(X25519), request.suite().group());
    }

    @Test
    void aKeOfAGroupWeDoNotTakeIsInvalidKePayloadNamingOurs() {
        IkeProtocolException e = assertRefused(NotifyType.INVALID_KE_PAYLOAD,
                offer(X25519.transform(), ECP256.transform()), Optional.of(X25519), ECP256_REQUIRED);
        assertArrayEquals(new byte[] {0, 19}, e.notifyData(), "§3.10.1: the group we want");
    }

    @Test
    void theKesGroupIsChosenWhenOfferedAndAcceptedWhateverItsPlace() throws Exception {
        CreateChildSa.ChildSaRequest request = CreateChildSa.parseChildSaRequest(
                request(offer(ECP256.transform(), X25519.transform()), Optional.of(X25519)), EspAlgorithms.defaults());
        assertEquals(Optional.of(X25519), request.suite().group(), "no INVALID_KE_PAYLOAD round trip");
    }

    @Test
    void aGroupWithoutKeIsInvalidKePayload() {
        assertRefused(NotifyType.INVALID_KE_PAYLOAD, offer(X25519.transform()), Optional.empty(), X25519_REQUIRED);
    }

    // ---- as initiator ----

    @Test
    void anAnswerInOurKesGroupWithItsKeIsPfs() throws Exception {
        CreateChildSa.ChildSaResponse response = CreateChildSa.parseChildSaResponse(
                response(offer(X25519.transform()), Optional.of(X25519)), X25519_REQUIRED, Optional.of(X25519));
        assertEquals(Optional.of(X25519), response.suite().group());
    }

    @Test
    void anAnswerWithoutGroupOrKeIsAcceptedOnlyIfWeAllowedNoPfs() throws Exception {
        for (SaPayload noPfs : List.of(offer(), offer(NONE))) {
            CreateChildSa.ChildSaResponse response = CreateChildSa.parseChildSaResponse(
                    response(noPfs, Optional.empty()), X25519_OPTIONAL, Optional.of(X25519));
            assertEquals(Optional.empty(), response.suite().group());
            assertRefusedAnswer(response(noPfs, Optional.empty()), X25519_REQUIRED, Optional.of(X25519));
        }
    }

    @Test
    void anAnswerInAnotherGroupOrWithoutItsKeIsNotOneOfOurOffers() {
        assertRefusedAnswer(response(offer(ECP256.transform()), Optional.of(ECP256)), EspAlgorithms.defaults(),
                Optional.of(X25519));
        assertRefusedAnswer(response(offer(X25519.transform()), Optional.empty()), X25519_REQUIRED,
                Optional.of(X25519));
        assertRefusedAnswer(response(offer(), Optional.of(X25519)), X25519_OPTIONAL, Optional.of(X25519));
        assertRefusedAnswer(response(offer(X25519.transform()), Optional.of(X25519)), NO_PFS, Optional.empty());
    }

    private IkeProtocolException assertRefused(int notifyType, SaPayload offer, Optional<KeyExchangeGroup> ke,
            EspAlgorithms ours) {
        IkeProtocolException e = assertThrows(IkeProtocolException.class,
                () -> CreateChildSa.parseChildSaRequest(request(offer, ke), ours));
        assertEquals(notifyType, e.notifyType(), e.getMessage());
        return e;
    }

    private void assertRefusedAnswer(IkeMessage answer, EspAlgorithms ours, Optional<KeyExchangeGroup> sent) {
        IkeProtocolException e = assertThrows(IkeProtocolException.class,
                () -> CreateChildSa.parseChildSaResponse(answer, ours, sent));
        assertEquals(NotifyType.NO_PROPOSAL_CHOSEN, e.notifyType());
    }

    private static SaPayload offer(Transform... groups) {
        return new SaPayload(List.of(proposal(1, groups)));
    }

    private static Proposal proposal(int number, Transform... groups) {
        List<Transform> transforms = new ArrayList<>(List.of(IkeEncryption.AES_GCM_16_128.transform(),
                EspAlgorithms.esnTransform(false)));
        transforms.addAll(List.of(groups));
        return new Proposal(number, ProtocolId.ESP, new byte[] {0, 0, 0x10, (byte) number}, transforms);
    }

    private static List<Integer> types(Proposal proposal) {
        return proposal.transforms().stream().map(Transform::transformType).toList();
    }

    private IkeMessage request(SaPayload sa, Optional<KeyExchangeGroup> ke) {
        return message(IkeHeader.FLAG_INITIATOR, sa, ke);
    }

    private IkeMessage response(SaPayload sa, Optional<KeyExchangeGroup> ke) {
        return message(IkeHeader.FLAG_RESPONSE, sa, ke);
    }

    private IkeMessage message(int flags, SaPayload sa, Optional<KeyExchangeGroup> ke) {
        List<IkePayload> payloads = new ArrayList<>(List.of(sa, new NoncePayload(Exchanges.nonce(random))));
        ke.ifPresent(g -> payloads.add(new KePayload(g.groupNumber(), g.newKeyExchange(random).publicValue())));
        payloads.add(new TrafficSelectorPayload(true, List.of(IkePeers.INITIATOR_NET)));
        payloads.add(new TrafficSelectorPayload(false, List.of(IkePeers.RESPONDER_NET)));
        return new IkeMessage(IkeHeader.of(1, 2, ExchangeType.CREATE_CHILD_SA, flags, 2), payloads);
    }
}
