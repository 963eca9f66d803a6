package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkeProtocolException;
import espgw.sa.Direction;
import espgw.testing.LeakCheckExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** CREATE_CHILD_SA between two espgw ends in memory: CHILD and IKE SA rekeys, one at a time and simultaneous. */
@ExtendWith(LeakCheckExtension.class)
class IkeRekeyTest {
    private static final IkeLifetimes NO_TIMERS =
            new IkeLifetimes(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);

    private static IkePeers established(IkeLifetimes lifetimes) {
        IkePeers peers = new IkePeers(IkePeers.initiatorConfig().withLifetimes(lifetimes),
                IkePeers.responderConfig().withLifetimes(lifetimes));
        peers.run();
        assertEquals(IkeState.ESTABLISHED, peers.responder.state());
        return peers;
    }

    @Test
    void aChildSaRekeyedStepByStepIsReplacedMakeBeforeBreak() {
        IkePeers peers = established(NO_TIMERS);
        NegotiatedChildSa oldI = peers.initiator.childSa().orElseThrow();
        List<byte[]> request = peers.initiatorSa().rekeyChild();
        List<byte[]> response = peers.responder.receive(request.get(0));
        assertEquals(2, peers.responderSa().childSas().size(), "the responder installs the new pair at once");
        NegotiatedChildSa newR = installed(peers.responderSa().pollEvents());
        List<byte[]> delete = peers.initiator.receive(response.get(0));
        assertEquals(ExchangeType.INFORMATIONAL, header(delete.get(0)).exchangeType(), "then the old pair's delete");
        assertEquals(2, peers.initiatorSa().childSas().size(), "the old pair stays until the delete is answered");
        NegotiatedChildSa newI = installed(peers.initiatorSa().pollEvents());
        assertMatching(newI, newR);
        List<byte[]> deleteAnswer = peers.responder.receive(delete.get(0));
        assertEquals(List.of(new IkeEvent.ChildSaRemoved(oldI.outboundSpi(), oldI.inboundSpi())),
                peers.responderSa().pollEvents());
        assertTrue(peers.initiator.receive(deleteAnswer.get(0)).isEmpty());
        assertEquals(List.of(new IkeEvent.ChildSaRemoved(oldI.inboundSpi(), oldI.outboundSpi())),
                peers.initiatorSa().pollEvents());
        assertEquals(List.of(newI), peers.initiatorSa().childSas());
        assertFalse(java.util.Arrays.equals(oldI.keymat(Direction.OUTBOUND), newI.keymat(Direction.OUTBOUND)));
    }

    @Test
    void aChildSaRekeyedManyTimesByEitherSideAlwaysMatches() {
        IkePeers peers = established(NO_TIMERS);
        for (int round = 0; round < 6; round++) {
            NegotiatedChildSa old = peers.initiatorSa().childSas().get(0);
            if (round % 2 == 0) {
                peers.exchange(peers.initiatorSa().rekeyChild(), List.of());
            } else {
                peers.exchange(List.of(), peers.responderSa().rekeyChild());
            }
            List<IkeEvent> events = peers.initiatorSa().pollEvents();
            assertInstanceOf(IkeEvent.ChildSaInstalled.class, events.get(0), "installed before the removal");
            assertEquals(new IkeEvent.ChildSaRemoved(old.inboundSpi(), old.outboundSpi()), events.get(1));
            assertEquals(2, events.size());
            assertEquals(2, peers.responderSa().pollEvents().size());
            assertOnePairOnBothSides(peers);
            assertNotEquals(old.inboundSpi(), peers.initiatorSa().childSas().get(0).inboundSpi());
        }
    }

    @Test
    void theChildRekeyLifetimeTriggersARekey() {
        IkePeers peers = established(
                new IkeLifetimes(Duration.ZERO, Duration.ZERO, Duration.ofMinutes(10), Duration.ZERO, 0));
        NegotiatedChildSa old = peers.initiator.childSa().orElseThrow();
        peers.now[0] += TimeUnit.MINUTES.toNanos(10) - 1;
        assertTrue(peers.initiator.onTimer().isEmpty() && peers.responder.onTimer().isEmpty());
        peers.now[0] += 1;
        // Both ends made the pair at the same moment without jitter: both rekey, and §2.8.1 sorts it out.
        peers.exchange(peers.initiator.onTimer(), peers.responder.onTimer());
        assertOnePairOnBothSides(peers);
        assertNotEquals(old.inboundSpi(), peers.initiatorSa().childSas().get(0).inboundSpi());
    }

    @Test
    void theIkeRekeyLifetimeLessItsJitterTriggersAnIkeRekeyOnlyOnce() {
        IkePeers peers = established(
                new IkeLifetimes(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofMinutes(100), 10));
        long oldSpiI = peers.initiatorSa().initiatorSpi();
        peers.now[0] += TimeUnit.MINUTES.toNanos(90) - 1;
        assertTrue(peers.initiator.onTimer().isEmpty() && peers.responder.onTimer().isEmpty(),
                "at most 10% early");
        peers.now[0] += TimeUnit.MINUTES.toNanos(10) + 1;
        List<byte[]> fromInitiator = peers.initiator.onTimer();
        List<byte[]> fromResponder = peers.responder.onTimer();
        assertEquals(2, fromInitiator.size() + fromResponder.size(), "both ends are due by now");
        peers.exchange(fromInitiator, fromResponder);
        assertNotEquals(oldSpiI, peers.initiatorSa().initiatorSpi());
        assertEquals(peers.initiatorSa().responderSpi(), peers.responderSa().responderSpi());
        assertEquals(1, peers.initiatorSa().pollEvents().size());
        peers.now[0] += TimeUnit.MINUTES.toNanos(80);
        assertTrue(peers.initiator.onTimer().isEmpty() && peers.responder.onTimer().isEmpty(),
                "the new IKE SA has its own lifetime");
    }

    @Test
    void eventsNameNoKey() {
        IkePeers peers = established(NO_TIMERS);
        peers.exchange(peers.initiatorSa().rekeyChild(), List.of());
        List<IkeEvent> events = peers.initiatorSa().pollEvents();
        NegotiatedChildSa installed = ((IkeEvent.ChildSaInstalled) events.get(0)).childSa();
        for (Direction direction : Direction.values()) {
            String key = java.util.HexFormat.of().formatHex(installed.keymat(direction)).substring(0, 8);
            assertFalse(events.toString().toLowerCase().contains(key), events.toString());
            assertFalse(peers.initiatorSa().toString().toLowerCase().contains(key));
        }
    }

    @Test
    void anIkeSaRekeyMovesTheChildSasAndTheNextChildRekeyRunsOnTheNewIkeSa() throws Exception {
        IkePeers peers = established(NO_TIMERS);
        long oldSpiI = peers.initiatorSa().initiatorSpi();
        NegotiatedChildSa child = peers.initiator.childSa().orElseThrow();
        peers.exchange(List.of(), peers.responderSa().rekeyIke());
        IkeEvent rekeyed = new IkeEvent.IkeSaRekeyed(peers.responderSa().initiatorSpi(),
                peers.responderSa().responderSpi());
        assertEquals(List.of(rekeyed), peers.responderSa().pollEvents());
        assertEquals(List.of(rekeyed), peers.initiatorSa().pollEvents());
        assertNotEquals(oldSpiI, peers.initiatorSa().initiatorSpi());
        assertEquals(List.of(child), peers.initiatorSa().childSas(), "the CHILD SA carries on");

        int sent = peers.wire.size();
        peers.exchange(peers.initiatorSa().rekeyChild(), List.of());
        IkeHeader rekey = header(peers.wire.get(sent));
        assertEquals(peers.initiatorSa().initiatorSpi(), rekey.initiatorSpi(), "on the new IKE SA");
        assertEquals(0, rekey.messageId(), "§2.18: its message IDs start at 0");
        assertFalse(rekey.isInitiator(), "the responder initiated the rekey, so it is the new original initiator");
        assertOnePairOnBothSides(peers);
        // The new IKE SA's keys agree on both ends: the CHILD keys derived from SK_d do.
        NegotiatedChildSa i = peers.initiatorSa().childSas().get(0);
        assertArrayEquals(i.keymat(Direction.OUTBOUND),
                peers.responderSa().childSas().get(0).keymat(Direction.INBOUND));
        // The old IKE SA is gone on both sides.
        assertTrue(peers.responder.receive(peers.wire.get(4)).isEmpty());
        peers.exchange(peers.initiatorSa().checkLiveness(), List.of());
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
    }

    @Test
    void aSimultaneousChildRekeyEndsWithExactlyOneNewPairOnBothSides() {
        for (int attempt = 0; attempt < 8; attempt++) {
            IkePeers peers = established(NO_TIMERS);
            NegotiatedChildSa old = peers.initiator.childSa().orElseThrow();
            peers.exchange(peers.initiatorSa().rekeyChild(), peers.responderSa().rekeyChild());
            assertOnePairOnBothSides(peers);
            NegotiatedChildSa now = peers.initiatorSa().childSas().get(0);
            assertNotEquals(old.inboundSpi(), now.inboundSpi());
            assertNotEquals(old.outboundSpi(), now.outboundSpi());
            for (IkeSa sa : List.of(peers.initiatorSa(), peers.responderSa())) {
                List<IkeEvent> events = sa.pollEvents();
                long installed = events.stream().filter(IkeEvent.ChildSaInstalled.class::isInstance).count();
                long removed = events.stream().filter(IkeEvent.ChildSaRemoved.class::isInstance).count();
                assertEquals(2, installed, "one pair per exchange: " + events);
                assertEquals(2, removed, "the old and the redundant pair: " + events);
            }
            // And it goes on: a later rekey works.
            peers.exchange(peers.initiatorSa().rekeyChild(), List.of());
            assertOnePairOnBothSides(peers);
        }
    }

    @Test
    void aSimultaneousIkeRekeyEndsWithExactlyOneNewIkeSaOnBothSides() {
        for (int attempt = 0; attempt < 8; attempt++) {
            IkePeers peers = established(NO_TIMERS);
            long oldSpiI = peers.initiatorSa().initiatorSpi();
            peers.exchange(peers.initiatorSa().rekeyIke(), peers.responderSa().rekeyIke());
            IkeSa i = peers.initiatorSa();
            IkeSa r = peers.responderSa();
            assertEquals(i.initiatorSpi(), r.initiatorSpi());
            assertEquals(i.responderSpi(), r.responderSpi());
            assertNotEquals(oldSpiI, i.initiatorSpi());
            List<IkeEvent> initiatorEvents = i.pollEvents();
            assertEquals(List.of(new IkeEvent.IkeSaRekeyed(i.initiatorSpi(), i.responderSpi())), initiatorEvents);
            assertEquals(initiatorEvents, r.pollEvents());
            // The surviving IKE SA works both ways and its CHILD rekeys agree.
            peers.exchange(peers.initiatorSa().rekeyChild(), List.of());
            peers.exchange(List.of(), peers.responderSa().checkLiveness());
            assertOnePairOnBothSides(peers);
            assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
            assertEquals(IkeState.ESTABLISHED, peers.responder.state());
            int before = peers.wire.size();
            peers.now[0] += TimeUnit.HOURS.toNanos(1);
            peers.exchange(peers.initiator.onTimer(), peers.responder.onTimer());
            assertEquals(before, peers.wire.size(), "nothing left outstanding on any IKE SA");
        }
    }

    private static void assertOnePairOnBothSides(IkePeers peers) {
        assertEquals(1, peers.initiatorSa().childSas().size(), peers.initiatorSa().childSas().toString());
        assertEquals(1, peers.responderSa().childSas().size(), peers.responderSa().childSas().toString());
        assertMatching(peers.initiatorSa().childSas().get(0), peers.responderSa().childSas().get(0));
    }

    private static void assertMatching(NegotiatedChildSa i, NegotiatedChildSa r) {
        assertEquals(i.outboundSpi(), r.inboundSpi());
        assertEquals(i.inboundSpi(), r.outboundSpi());
        assertArrayEquals(i.keymat(Direction.OUTBOUND), r.keymat(Direction.INBOUND));
        assertArrayEquals(i.keymat(Direction.INBOUND), r.keymat(Direction.OUTBOUND));
        assertEquals(i.localTrafficSelectors(), r.remoteTrafficSelectors());
    }

    private static NegotiatedChildSa installed(List<IkeEvent> events) {
        assertEquals(1, events.size(), events.toString());
        return ((IkeEvent.ChildSaInstalled) events.get(0)).childSa();
    }

    private static IkeHeader header(byte[] datagram) {
        try {
            return IkeMessage.decode(datagram).header();
        } catch (IkeProtocolException e) {
            throw new AssertionError(e);
        }
    }
}
