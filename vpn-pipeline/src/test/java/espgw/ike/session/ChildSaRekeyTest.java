package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.IkeSaKeys;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.crypto.Prf;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.KePayload;
import espgw.ike.message.NotifyPayload;
import espgw.ike.message.NotifyType;
import espgw.ike.message.SaPayload;
import espgw.ike.message.Transform;
import espgw.testing.LeakCheckExtension;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Our CHILD SA rekey request and what it does with answers an espgw peer never gives. */
@ExtendWith(LeakCheckExtension.class)
class ChildSaRekeyTest {
    private static final Transform NONE = Transform.of(Transform.TYPE_DH, Transform.GROUP_NONE);

    private static final EspAlgorithms NO_PFS = new EspAlgorithms(List.of(IkeEncryption.AES_GCM_16_128),
            List.of(false));

    private final SecureRandom random = new SecureRandom();
    private final List<String> outcomes = new ArrayList<>();
    private final IkeSa.Child old = new IkeSa.Child(childSa(), 0);

    @Test
    void byDefaultTheRequestOffersEveryPfsGroupWithTheIkeSasFirstThenNoneAndItsKe() throws Exception {
        IkeMessage request = request(rekey(EspAlgorithms.defaults(), Optional.empty()), KeyExchangeGroup.ECP_256);
        assertEquals(List.of(KeyExchangeGroup.ECP_256.transform(), KeyExchangeGroup.CURVE25519.transform(), NONE),
                groups(request), "NONE last: a peer without PFS may ignore our KE (§1.3.1)");
        assertEquals(KeyExchangeGroup.ECP_256.groupNumber(), request.first(KePayload.class).orElseThrow().group());
        NotifyPayload rekeySa = request.notify(NotifyType.REKEY_SA).orElseThrow();
        assertEquals(old.sa.inboundSpi(), java.nio.ByteBuffer.wrap(rekeySa.spi()).getInt());
    }

    @Test
    void anEspProposalWithoutGroupsRekeysWithoutKeOrGroups() throws Exception {
        IkeMessage request = request(rekey(NO_PFS, Optional.empty()), KeyExchangeGroup.CURVE25519);
        assertEquals(List.of(), groups(request));
        assertTrue(request.first(KePayload.class).isEmpty());
    }

    @Test
    void requiredPfsInAGroupOtherThanTheIkeSasOffersOnlyItsGroupsAndNoNone() throws Exception {
        EspAlgorithms ecpOnly = new EspAlgorithms(List.of(IkeEncryption.AES_GCM_16_128), List.of(false),
                List.of(KeyExchangeGroup.ECP_256), false);
        IkeMessage request = request(rekey(ecpOnly, Optional.empty()), KeyExchangeGroup.CURVE25519);
        assertEquals(List.of(KeyExchangeGroup.ECP_256.transform()), groups(request));
        assertEquals(KeyExchangeGroup.ECP_256.groupNumber(), request.first(KePayload.class).orElseThrow().group());
    }

    @Test
    void invalidKePayloadNamingAnotherAcceptedGroupIsRetriedOnceWithIt() throws Exception {
        ChildSaRekey rekey = rekey(Optional.empty());
        rekey.request(channel(KeyExchangeGroup.CURVE25519));
        rekey.onResponse(response(NotifyPayload.of(NotifyType.INVALID_KE_PAYLOAD, new byte[] {0, 19})));
        assertEquals(List.of("retry ECP_256"), outcomes);

        ChildSaRekey retried = rekey(Optional.of(KeyExchangeGroup.ECP_256));
        retried.request(channel(KeyExchangeGroup.CURVE25519));
        retried.onResponse(response(NotifyPayload.of(NotifyType.INVALID_KE_PAYLOAD, new byte[] {0, 31})));
        assertEquals(List.of("retry ECP_256", "refused INVALID_KE_PAYLOAD"), outcomes,
                "no second retry: the peer keeps changing its mind");
    }

    @Test
    void anyOtherErrorIsARefusalNamingIt() throws Exception {
        ChildSaRekey rekey = rekey(Optional.empty());
        rekey.request(channel(KeyExchangeGroup.CURVE25519));
        rekey.onResponse(response(NotifyPayload.of(NotifyType.NO_PROPOSAL_CHOSEN)));
        assertEquals(List.of("refused NO_PROPOSAL_CHOSEN"), outcomes);
        assertTrue(old.rekeyAtNanos == 0, "the retry time is IkeSa's business");
    }

    private ChildSaRekey rekey(Optional<KeyExchangeGroup> group) {
        return rekey(EspAlgorithms.defaults(), group);
    }

    private ChildSaRekey rekey(EspAlgorithms esp, Optional<KeyExchangeGroup> group) {
        return new ChildSaRekey(old, esp, group, random, InboundSpiSource.RANDOM,
                new ChildSaRekey.Outcome() {
                    @Override
                    public void refused(IkeSa.Child child, String reason) {
                        outcomes.add("refused " + reason);
                    }

                    @Override
                    public void retry(IkeSa.Child child, KeyExchangeGroup wanted) {
                        outcomes.add("retry " + wanted);
                    }

                    @Override
                    public void rekeyed(IkeSa.Child child, NegotiatedChildSa replacement, boolean redundant) {
                        outcomes.add("rekeyed");
                    }
                });
    }

    private IkeMessage request(ChildSaRekey rekey, KeyExchangeGroup ikeSaGroup) {
        return new IkeMessage(header(), rekey.request(channel(ikeSaGroup)));
    }

    private static List<Transform> groups(IkeMessage request) {
        return request.first(SaPayload.class).orElseThrow().proposals().get(0).transformsOfType(Transform.TYPE_DH);
    }

    private IkeSaChannel channel(KeyExchangeGroup group) {
        IkeSaKeys keys = IkeSaKeys.derive(Prf.PRF_HMAC_SHA2_256, IkeEncryption.AES_GCM_16_128, new byte[32],
                new byte[32], new byte[32], 1, 2);
        return new IkeSaChannel(1, 2, true, keys, new ProposalSelection.IkeSuite(1, IkeEncryption.AES_GCM_16_128,
                Prf.PRF_HMAC_SHA2_256, group), System::nanoTime, 2, 0);
    }

    private static IkeHeader header() {
        return IkeHeader.of(1, 2, ExchangeType.CREATE_CHILD_SA, IkeHeader.FLAG_INITIATOR, 2);
    }

    private static IkeMessage response(NotifyPayload notify) {
        return new IkeMessage(IkeHeader.of(1, 2, ExchangeType.CREATE_CHILD_SA, IkeHeader.FLAG_RESPONSE, 2),
                List.of(notify));
    }

    private static NegotiatedChildSa childSa() {
        return new NegotiatedChildSa(0x1000, 0x2000, IkeEncryption.AES_GCM_16_128, false, new byte[20], new byte[20],
                List.of(IkePeers.INITIATOR_NET), List.of(IkePeers.RESPONDER_NET));
    }
}
