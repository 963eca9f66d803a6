package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.sa.Direction;
import espgw.testing.LeakCheckExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The established IKE SA between two espgw ends in memory: INFORMATIONAL exchanges, message IDs, dead peers. */
@ExtendWith(LeakCheckExtension.class)
class IkeSaTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    /** RFC 7296 §3.1: the Message ID is octets 20 to 23 of the header. */
    private static final int MESSAGE_ID_LOW_OCTET = 23;

    private static IkePeers established(IkeLifetimes lifetimes) {
        IkePeers peers = new IkePeers(IkePeers.initiatorConfig().withLifetimes(lifetimes),
                IkePeers.responderConfig().withLifetimes(lifetimes));
        peers.run();
        assertTrue(peers.initiatorSa().pollEvents().isEmpty(), "the first CHILD SA is childSa(), not an event");
        return peers;
    }

    private static IkePeers established() {
        return established(new IkeLifetimes(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0));
    }

    @Test
    void livenessChecksAreAnsweredEmptyWithEachSidesOwnMessageIds() throws Exception {
        IkePeers peers = established();
        List<byte[]> check = peers.initiatorSa().checkLiveness();
        IkeHeader request = IkeMessage.decode(check.get(0)).header();
        assertEquals(ExchangeType.INFORMATIONAL, request.exchangeType());
        assertEquals(2, request.messageId(), "IKE_SA_INIT and IKE_AUTH used 0 and 1");
        List<byte[]> answer = peers.responder.receive(check.get(0));
        IkeHeader response = IkeMessage.decode(answer.get(0)).header();
        assertTrue(response.isResponse() && !response.isInitiator());
        assertEquals(2, response.messageId());
        assertTrue(peers.initiator.receive(answer.get(0)).isEmpty());

        List<byte[]> fromResponder = peers.responderSa().checkLiveness();
        assertEquals(0, IkeMessage.decode(fromResponder.get(0)).header().messageId(), "the responder's first request");
        peers.exchange(List.of(), fromResponder);
        List<byte[]> second = peers.initiatorSa().checkLiveness();
        assertEquals(3, IkeMessage.decode(second.get(0)).header().messageId());
        peers.exchange(second, List.of());
        peers.now[0] += 1000 * SECOND;
        assertTrue(peers.initiator.onTimer().isEmpty(), "nothing outstanding, nothing retransmitted");
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
        assertTrue(peers.initiatorSa().pollEvents().isEmpty() && peers.responderSa().pollEvents().isEmpty());
    }

    @Test
    void withoutADpdTimeoutASilentPeerIsDeclaredDeadAfterTheWholeBackOff() {
        IkePeers peers = established(
                new IkeLifetimes(Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO, Duration.ZERO, 0));
        peers.now[0] += 29 * SECOND;
        assertTrue(peers.initiator.onTimer().isEmpty(), "heard from the peer 29 s ago");
        peers.now[0] += SECOND;
        List<byte[]> check = peers.initiator.onTimer();
        assertEquals(1, check.size());
        assertEquals(ExchangeType.INFORMATIONAL, header(check.get(0)).exchangeType());
        // The peer is gone: nothing is delivered. Retransmissions after 2, 4, 8, 16, 32 s, then 64 s of waiting.
        long timeout = Retransmission.FIRST_TIMEOUT_NANOS;
        for (int i = 0; i < Retransmission.MAX_RETRANSMISSIONS; i++) {
            peers.now[0] += timeout - 1;
            assertTrue(peers.initiator.onTimer().isEmpty(), "not due yet");
            peers.now[0] += 1;
            assertArrayEquals(check.get(0), peers.initiator.onTimer().get(0), "the same octets again");
            timeout *= 2;
        }
        peers.now[0] += timeout - 1;
        peers.initiator.onTimer();
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
        peers.now[0] += 1;
        assertTrue(peers.initiator.onTimer().isEmpty());
        assertEquals(IkeState.FAILED, peers.initiator.state());
        List<IkeEvent> events = peers.initiatorSa().pollEvents();
        NegotiatedChildSa child = peers.initiator.childSa().orElseThrow();
        assertEquals(new IkeEvent.ChildSaRemoved(child.inboundSpi(), child.outboundSpi()), events.get(0));
        assertInstanceOf(IkeEvent.PeerDead.class, events.get(1));
        assertEquals(2, events.size());
        assertTrue(peers.initiator.failure().orElseThrow().reason().contains("dead"));
    }

    @Test
    void aSilentPeerIsDeclaredDeadOnceItsCheckWentUnansweredForTheDpdTimeout() {
        IkePeers peers = established(new IkeLifetimes(Duration.ofSeconds(3), Duration.ofSeconds(9), Duration.ZERO,
                Duration.ZERO, 0));
        peers.now[0] += 3 * SECOND;
        byte[] check = peers.initiator.onTimer().get(0);
        assertEquals(ExchangeType.INFORMATIONAL, header(check).exchangeType());
        // The peer is gone. Retransmissions after 2 and 2 + 4 s; at 9 s it is dead, before the third (at 14 s).
        int sent = 1;
        for (int second = 1; second < 9; second++) {
            peers.now[0] += SECOND;
            List<byte[]> again = peers.initiator.onTimer();
            sent += again.size();
            again.forEach(d -> assertArrayEquals(check, d, "the same octets again"));
        }
        assertEquals(3, sent, "the check and its retransmissions at 2 and 6 s");
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state(), "8 s without an answer");
        peers.now[0] += SECOND;
        assertTrue(peers.initiator.onTimer().isEmpty());
        assertEquals(IkeState.FAILED, peers.initiator.state());
        List<IkeEvent> events = peers.initiatorSa().pollEvents();
        NegotiatedChildSa child = peers.initiator.childSa().orElseThrow();
        assertEquals(List.of(new IkeEvent.ChildSaRemoved(child.inboundSpi(), child.outboundSpi()),
                new IkeEvent.PeerDead("no answer for 9 s")), events);
    }

    @Test
    void theDpdTimeoutCountsForEveryRequestNotOnlyLivenessChecks() {
        IkePeers peers = established(new IkeLifetimes(Duration.ZERO, Duration.ofSeconds(9), Duration.ZERO,
                Duration.ZERO, 0));
        assertEquals(1, peers.initiatorSa().rekeyChild().size(), "a rekey the peer never answers");
        peers.now[0] += 9 * SECOND - 1;
        peers.initiator.onTimer();
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
        peers.now[0] += 1;
        peers.initiator.onTimer();
        assertEquals(IkeState.FAILED, peers.initiator.state());
    }

    @Test
    void aPeerThatAnswersStaysAlive() {
        IkePeers peers = established(
                new IkeLifetimes(Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO, Duration.ZERO, 0));
        for (int minute = 0; minute < 10; minute++) {
            peers.now[0] += 60 * SECOND;
            peers.exchange(peers.initiator.onTimer(), List.of());
            peers.exchange(List.of(), peers.responder.onTimer());
        }
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
        assertEquals(IkeState.ESTABLISHED, peers.responder.state());
        assertTrue(peers.initiatorSa().pollEvents().isEmpty());
    }

    @Test
    void deletingTheChildSaRemovesThePairOnBothSides() {
        IkePeers peers = established();
        NegotiatedChildSa i = peers.initiator.childSa().orElseThrow();
        peers.exchange(peers.initiatorSa().deleteChild(i.inboundSpi()), List.of());
        assertEquals(List.of(new IkeEvent.ChildSaRemoved(i.inboundSpi(), i.outboundSpi())),
                peers.initiatorSa().pollEvents());
        assertEquals(List.of(new IkeEvent.ChildSaRemoved(i.outboundSpi(), i.inboundSpi())),
                peers.responderSa().pollEvents());
        assertTrue(peers.initiatorSa().childSas().isEmpty() && peers.responderSa().childSas().isEmpty());
        assertEquals(IkeState.ESTABLISHED, peers.responder.state(), "the IKE SA stays");
    }

    @Test
    void anIkeSaWhoseLastChildSaThePeerDeletedStaysUsableForANewChildSaFromEitherEnd() {
        IkePeers peers = established();
        NegotiatedChildSa first = peers.responder.childSa().orElseThrow();
        // As charon does on swanctl --terminate --child, or when a hard lifetime expires unrekeyed.
        peers.exchange(List.of(), peers.responderSa().deleteChild(first.inboundSpi()));
        peers.initiatorSa().pollEvents();
        peers.responderSa().pollEvents();
        assertTrue(peers.initiatorSa().childSas().isEmpty() && peers.responderSa().childSas().isEmpty());

        // Then it asks for a replacement on the same IKE SA (§1.3.1): accepted, not NO_ADDITIONAL_SAS.
        peers.exchange(List.of(), peers.responderSa().createChild());
        assertPairInstalled(peers.initiatorSa().pollEvents(), peers.responderSa().pollEvents());

        NegotiatedChildSa second = peers.initiatorSa().childSas().get(0);
        peers.exchange(peers.initiatorSa().deleteChild(second.inboundSpi()), List.of());
        peers.initiatorSa().pollEvents();
        peers.responderSa().pollEvents();
        peers.exchange(peers.initiatorSa().createChild(), List.of());
        assertPairInstalled(peers.initiatorSa().pollEvents(), peers.responderSa().pollEvents());
        assertTrue(peers.initiatorSa().createChild().isEmpty() && peers.responderSa().createChild().isEmpty(),
                "one CHILD SA per IKE SA");
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
        assertEquals(IkeState.ESTABLISHED, peers.responder.state());
    }

    /** One new pair each side, the one's inbound the other's outbound, with the same keys. */
    private static void assertPairInstalled(List<IkeEvent> atInitiator, List<IkeEvent> atResponder) {
        assertEquals(1, atInitiator.size(), atInitiator.toString());
        assertEquals(1, atResponder.size(), atResponder.toString());
        NegotiatedChildSa i = assertInstanceOf(IkeEvent.ChildSaInstalled.class, atInitiator.get(0)).childSa();
        NegotiatedChildSa r = assertInstanceOf(IkeEvent.ChildSaInstalled.class, atResponder.get(0)).childSa();
        assertEquals(i.inboundSpi(), r.outboundSpi());
        assertEquals(i.outboundSpi(), r.inboundSpi());
        assertArrayEquals(i.keymat(Direction.INBOUND), r.keymat(Direction.OUTBOUND));
        assertArrayEquals(i.keymat(Direction.OUTBOUND), r.keymat(Direction.INBOUND));
    }

    @Test
    void deletingTheIkeSaClosesEverythingOnBothSides() {
        IkePeers peers = established();
        NegotiatedChildSa r = peers.responder.childSa().orElseThrow();
        peers.exchange(List.of(), peers.responderSa().deleteIke());
        assertEquals(List.of(new IkeEvent.ChildSaRemoved(r.inboundSpi(), r.outboundSpi()),
                new IkeEvent.IkeSaDeleted(false)), peers.responderSa().pollEvents());
        assertEquals(List.of(new IkeEvent.ChildSaRemoved(r.outboundSpi(), r.inboundSpi()),
                new IkeEvent.IkeSaDeleted(true)), peers.initiatorSa().pollEvents());
        assertEquals(IkeState.FAILED, peers.initiator.state());
        assertEquals(IkeState.FAILED, peers.responder.state());
        assertTrue(peers.initiatorSa().checkLiveness().isEmpty(), "a closed IKE SA sends nothing");
    }

    @Test
    void aRetransmittedRequestIsAnsweredFromTheCacheWithoutBeingProcessedAgain() {
        IkePeers peers = established();
        List<byte[]> rekey = peers.initiatorSa().rekeyChild();
        List<byte[]> first = peers.responder.receive(rekey.get(0));
        List<byte[]> again = peers.responder.receive(rekey.get(0));
        assertArrayEquals(first.get(0), again.get(0), "the very same octets");
        assertEquals(1, peers.responderSa().pollEvents().size(), "one new CHILD SA, not two");
        assertEquals(2, peers.responderSa().childSas().size());
        // The retransmitted IKE_AUTH request is still answered too.
        assertArrayEquals(peers.wire.get(3), peers.responder.receive(peers.wire.get(2)).get(0));
    }

    @Test
    void mangledReplayedAndStaleMessagesLeaveTheIkeSaUntouched() {
        IkePeers peers = established();
        List<byte[]> check = peers.initiatorSa().checkLiveness();
        List<byte[]> answer = peers.responder.receive(check.get(0));
        peers.initiator.receive(answer.get(0));
        List<byte[]> rekey = peers.initiatorSa().rekeyChild();

        byte[] mangled = rekey.get(0).clone();
        mangled[mangled.length - 1] ^= 1;
        assertTrue(peers.responder.receive(mangled).isEmpty(), "an ICV failure gets no answer");
        byte[] wrongId = rekey.get(0).clone();
        wrongId[MESSAGE_ID_LOW_OCTET] += 1;
        assertTrue(peers.responder.receive(wrongId).isEmpty(), "a message ID from the future");
        assertTrue(peers.initiator.receive(answer.get(0)).isEmpty(), "a replayed response answers nothing");
        assertTrue(peers.initiator.receive(rekey.get(0)).isEmpty(), "our own request reflected back");
        assertTrue(peers.responderSa().pollEvents().isEmpty() && peers.initiatorSa().pollEvents().isEmpty());

        peers.exchange(rekey, List.of());
        assertEquals(1, peers.initiatorSa().childSas().size(), "the real request still works after all that");
        assertEquals(peers.initiatorSa().childSas().get(0).outboundSpi(),
                peers.responderSa().childSas().get(0).inboundSpi());
    }

    private static IkeHeader header(byte[] datagram) {
        try {
            return IkeMessage.decode(datagram).header();
        } catch (espgw.ike.message.IkeProtocolException e) {
            throw new AssertionError(e);
        }
    }
}
