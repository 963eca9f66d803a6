package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkeProtocolException;
import espgw.testing.LeakCheckExtension;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CHILD SA rekeys between two espgw ends in memory with the ESP proposals of strongSwan's notation:
 * PFS by default, none, required, and in a group the responder asks for (RFC 7296 §1.3.3).
 */
@ExtendWith(LeakCheckExtension.class)
class ChildSaPfsTest {
    private static final IkeLifetimes NO_TIMERS =
            new IkeLifetimes(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);
    private static final List<IkeEncryption> AES128 = List.of(IkeEncryption.AES_GCM_16_128);
    /** {@code [aes128gcm16]}. */
    private static final EspAlgorithms NO_PFS = new EspAlgorithms(AES128, List.of(false));
    /** {@code [aes128gcm16-x25519]}. */
    private static final EspAlgorithms X25519_REQUIRED = new EspAlgorithms(AES128, List.of(false),
            List.of(KeyExchangeGroup.CURVE25519), false);
    /** {@code [aes128gcm16-ecp256]}. */
    private static final EspAlgorithms ECP256_REQUIRED = new EspAlgorithms(AES128, List.of(false),
            List.of(KeyExchangeGroup.ECP_256), false);

    @Test
    void withTheDefaultsEitherEndRekeysWithPfsInTheIkeSasGroup() {
        IkePeers peers = established(EspAlgorithms.defaults(), EspAlgorithms.defaults());
        peers.exchange(peers.initiatorSa().rekeyChild(), List.of());
        assertRekeyedOnBothEnds(peers, Optional.of(KeyExchangeGroup.CURVE25519));
        peers.exchange(List.of(), peers.responderSa().rekeyChild());
        assertRekeyedOnBothEnds(peers, Optional.of(KeyExchangeGroup.CURVE25519));
    }

    @Test
    void anEndWithoutPfsAndOneWithTheDefaultsRekeyWithoutPfsEitherWay() {
        IkePeers peers = established(NO_PFS, EspAlgorithms.defaults());
        peers.exchange(peers.initiatorSa().rekeyChild(), List.of());
        assertRekeyedOnBothEnds(peers, Optional.empty());
        peers.exchange(List.of(), peers.responderSa().rekeyChild());
        assertRekeyedOnBothEnds(peers, Optional.empty());
    }

    @Test
    void requiredPfsAgainstNoPfsIsRefusedEitherWayTheOldPairStaysAndTheRekeyIsRetriedLater() {
        IkePeers peers = established(X25519_REQUIRED, NO_PFS);
        NegotiatedChildSa pair = peers.initiatorSa().childSas().get(0);
        peers.exchange(peers.initiatorSa().rekeyChild(), List.of());
        assertEquals(List.of(new IkeEvent.ChildSaRekeyRefused("NO_PROPOSAL_CHOSEN", IkeSa.REKEY_RETRY)),
                peers.initiatorSa().pollEvents());
        peers.exchange(List.of(), peers.responderSa().rekeyChild());
        assertEquals(List.of(new IkeEvent.ChildSaRekeyRefused("NO_PROPOSAL_CHOSEN", IkeSa.REKEY_RETRY)),
                peers.responderSa().pollEvents());
        assertEquals(List.of(pair), peers.initiatorSa().childSas());
        assertEquals(1, peers.responderSa().childSas().size());

        peers.now[0] += IkeSa.REKEY_RETRY.toNanos() - 1;
        assertTrue(peers.initiator.onTimer().isEmpty(), "not before the retry time");
        peers.now[0] += 1;
        List<byte[]> retried = peers.initiator.onTimer();
        assertEquals(ExchangeType.CREATE_CHILD_SA, header(retried.get(0)).exchangeType());
    }

    @Test
    void aResponderWantingAnotherGroupGetsItAfterOneInvalidKePayload() {
        IkePeers peers = established(EspAlgorithms.defaults(), ECP256_REQUIRED);
        peers.wire.clear();
        peers.exchange(peers.initiatorSa().rekeyChild(), List.of());
        assertRekeyedOnBothEnds(peers, Optional.of(KeyExchangeGroup.ECP_256));
        assertEquals(2, createChildSaRequests(peers), "our KE in the IKE SA's X25519, then in ECP-256");

        peers.wire.clear();
        peers.exchange(peers.initiatorSa().rekeyChild(), List.of());
        assertRekeyedOnBothEnds(peers, Optional.of(KeyExchangeGroup.ECP_256));
        assertEquals(1, createChildSaRequests(peers), "the next rekey goes straight to the old pair's ECP-256");
    }

    private static IkePeers established(EspAlgorithms initiatorEsp, EspAlgorithms responderEsp) {
        IkePeers peers = new IkePeers(
                IkePeers.initiatorConfig().withAlgorithms(IkeAlgorithms.defaults(), initiatorEsp)
                        .withLifetimes(NO_TIMERS),
                IkePeers.responderConfig().withAlgorithms(IkeAlgorithms.defaults(), responderEsp)
                        .withLifetimes(NO_TIMERS));
        peers.run();
        assertEquals(IkeState.ESTABLISHED, peers.responder.state());
        assertEquals(Optional.empty(), peers.initiator.childSa().orElseThrow().pfs(), "§1.2: IKE_AUTH has no KE");
        return peers;
    }

    /** One new pair on each end, with this PFS, the old one removed after it. */
    private static void assertRekeyedOnBothEnds(IkePeers peers, Optional<KeyExchangeGroup> pfs) {
        for (IkeSa end : List.of(peers.initiatorSa(), peers.responderSa())) {
            List<IkeEvent> events = end.pollEvents();
            assertEquals(2, events.size(), events.toString());
            IkeEvent.ChildSaInstalled installed = assertInstanceOf(IkeEvent.ChildSaInstalled.class, events.get(0));
            assertInstanceOf(IkeEvent.ChildSaRemoved.class, events.get(1));
            assertEquals(pfs, installed.childSa().pfs(), installed.childSa().toString());
            assertEquals(List.of(installed.childSa()), end.childSas());
        }
        NegotiatedChildSa initiators = peers.initiatorSa().childSas().get(0);
        NegotiatedChildSa responders = peers.responderSa().childSas().get(0);
        assertEquals(initiators.inboundSpi(), responders.outboundSpi());
        assertEquals(initiators.outboundSpi(), responders.inboundSpi());
    }

    private static long createChildSaRequests(IkePeers peers) {
        return peers.wire.stream().map(ChildSaPfsTest::header)
                .filter(h -> h.exchangeType() == ExchangeType.CREATE_CHILD_SA && !h.isResponse()).count();
    }

    private static IkeHeader header(byte[] datagram) {
        try {
            return IkeMessage.decode(datagram).header();
        } catch (IkeProtocolException e) {
            throw new AssertionError(e);
        }
    }
}
