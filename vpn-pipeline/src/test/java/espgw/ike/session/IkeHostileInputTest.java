package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.NotifyPayload;
import espgw.ike.message.NotifyType;
import espgw.ike.message.VendorIdPayload;
import espgw.ike.testing.IkeMutations;
import espgw.testing.LeakCheckExtension;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Seeded random mutations of the real messages of an IKE SA (RFC 7296 §3), fed to both espgw ends
 * at every stage: nothing escapes as an exception, and no rejected message changes a state, an
 * SPI, a CHILD SA or a message ID: afterwards the untouched messages still complete the exchange.
 */
@ExtendWith(LeakCheckExtension.class)
class IkeHostileInputTest {
    private static final int MUTATIONS = 2_000;

    /** What an end shows of its IKE SA: a rejected message must leave all of it as it was. */
    private record Snapshot(IkeState state, long spiI, long spiR, List<Integer> childSpis) {
        static Snapshot of(IkeState state, IkeSa sa) {
            return new Snapshot(state, sa.initiatorSpi(), sa.responderSpi(),
                    sa.childSas().stream().map(NegotiatedChildSa::inboundSpi).toList());
        }
    }

    @Test
    void mutatedMessagesLeaveAnEstablishedIkeSaAsItWas() throws Exception {
        IkePeers peers = new IkePeers();
        peers.run();
        List<byte[]> check = peers.initiatorSa().checkLiveness();
        List<byte[]> answer = peers.responder.receive(check.get(0));
        assertTrue(peers.initiator.receive(answer.get(0)).isEmpty());
        List<byte[]> recorded = new java.util.ArrayList<>(peers.wire);
        recorded.addAll(check);
        recorded.addAll(answer);
        Snapshot initiatorBefore = Snapshot.of(peers.initiator.state(), peers.initiatorSa());
        Snapshot responderBefore = Snapshot.of(peers.responder.state(), peers.responderSa());

        IkeMutations mutations = new IkeMutations(4301);
        for (byte[] original : recorded) {
            for (int i = 0; i < MUTATIONS; i++) {
                byte[] hostile = mutations.mutate(original);
                List<byte[]> toInitiator = survive(peers.responder::receive, hostile);
                List<byte[]> toResponder = survive(peers.initiator::receive, hostile);
                for (byte[] reply : toInitiator) {
                    // Only a replay of the last request earns an answer: the cached response (§2.1).
                    assertArrayEquals(answer.get(0), reply, "answered " + HexFormat.of().formatHex(hostile));
                }
                assertTrue(toResponder.isEmpty(), "the initiator answered " + HexFormat.of().formatHex(hostile));
            }
        }
        assertEquals(initiatorBefore, Snapshot.of(peers.initiator.state(), peers.initiatorSa()));
        assertEquals(responderBefore, Snapshot.of(peers.responder.state(), peers.responderSa()));
        assertTrue(peers.initiatorSa().pollEvents().isEmpty() && peers.responderSa().pollEvents().isEmpty());
        // The message IDs are where they were: the next liveness checks both ways are answered.
        assertLivenessBothWays(peers);
    }

    @Test
    void aRequestWithTheRealSpisAndMessageIdButNoValidEncryptedPayloadIsDroppedWithoutUsingTheId() throws Exception {
        IkePeers peers = new IkePeers();
        peers.run();
        IkeSa sa = peers.responderSa();
        IkeHeader header = IkeHeader.of(sa.initiatorSpi(), sa.responderSpi(), ExchangeType.INFORMATIONAL,
                IkeHeader.FLAG_INITIATOR, 2);
        byte[] clear = new IkeMessage(header, List.of(NotifyPayload.of(NotifyType.COOKIE, new byte[8]))).encode();
        byte[] shortSk = new IkeMessage(header, List.of(new espgw.ike.message.EncryptedPayload(
                espgw.ike.message.PayloadType.NO_NEXT_PAYLOAD, new byte[8]))).encode();
        byte[] garbageSk = new IkeMessage(header, List.of(new espgw.ike.message.EncryptedPayload(
                espgw.ike.message.PayloadType.NO_NEXT_PAYLOAD, new byte[64]))).encode();
        byte[] vendorThenGarbage = new IkeMessage(header, List.of(new VendorIdPayload(new byte[4]),
                new espgw.ike.message.EncryptedPayload(espgw.ike.message.PayloadType.NOTIFY, new byte[40]))).encode();
        for (byte[] hostile : List.of(clear, shortSk, garbageSk, vendorThenGarbage)) {
            // §2.21.2: what does not pass the integrity check is dropped silently.
            assertEquals(List.of(), peers.responder.receive(hostile), HexFormat.of().formatHex(hostile));
        }
        assertLivenessBothWays(peers);
    }

    @Test
    void mutatedIkeAuthRequestsLeaveAHalfOpenResponderWaitingForTheRealOne() {
        IkePeers peers = new IkePeers();
        // Deliver IKE_SA_INIT both ways and hold back the IKE_AUTH request.
        List<byte[]> initRequest = peers.initiator.start();
        List<byte[]> initResponse = peers.responder.receive(initRequest.get(0));
        List<byte[]> authRequest = peers.initiator.receive(initResponse.get(0));
        assertEquals(IkeState.WAITING_FOR_IKE_AUTH, peers.responder.state());
        IkeMutations mutations = new IkeMutations(7296);
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] hostile = mutations.mutate(authRequest.get(0));
            List<byte[]> replies = survive(peers.responder::receive, hostile);
            assertEquals(IkeState.WAITING_FOR_IKE_AUTH, peers.responder.state(), HexFormat.of().formatHex(hostile));
            replies.forEach(r -> assertArrayEquals(initResponse.get(0), r, "only a replay earns an answer"));
            byte[] hostileResponse = mutations.mutate(initResponse.get(0));
            assertTrue(survive(peers.initiator::receive, hostileResponse).isEmpty());
            assertEquals(IkeState.IKE_AUTH_SENT, peers.initiator.state(), HexFormat.of().formatHex(hostileResponse));
        }
        List<byte[]> authResponse = peers.responder.receive(authRequest.get(0));
        assertEquals(IkeState.ESTABLISHED, peers.responder.state());
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] hostile = mutations.mutate(authResponse.get(0));
            assertTrue(survive(peers.initiator::receive, hostile).isEmpty());
            assertEquals(IkeState.IKE_AUTH_SENT, peers.initiator.state(), HexFormat.of().formatHex(hostile));
        }
        peers.initiator.receive(authResponse.get(0));
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
        assertEquals(peers.initiator.childSa().orElseThrow().outboundSpi(),
                peers.responder.childSa().orElseThrow().inboundSpi());
    }

    @Test
    void mutatedIkeSaInitRequestsAreAnsweredStatelesslyOrDropped() {
        IkePeers peers = new IkePeers();
        byte[] initRequest = peers.initiator.start().get(0);
        IkeMutations mutations = new IkeMutations(2);
        for (int i = 0; i < MUTATIONS; i++) {
            IkeResponder fresh = new IkeResponder(IkePeers.responderConfig(), new java.security.SecureRandom(),
                    () -> 0);
            survive(fresh::receive, mutations.mutate(initRequest));
        }
    }

    private static void assertLivenessBothWays(IkePeers peers) throws Exception {
        List<byte[]> fromInitiator = peers.initiatorSa().checkLiveness();
        List<byte[]> reply = peers.responder.receive(fromInitiator.get(0));
        assertEquals(1, reply.size(), "the responder answers the initiator's next request");
        assertTrue(IkeMessage.decode(reply.get(0)).header().isResponse());
        peers.initiator.receive(reply.get(0));
        List<byte[]> fromResponder = peers.responderSa().checkLiveness();
        List<byte[]> back = peers.initiator.receive(fromResponder.get(0));
        assertEquals(1, back.size(), "the initiator answers the responder's next request");
        peers.responder.receive(back.get(0));
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
        assertEquals(IkeState.ESTABLISHED, peers.responder.state());
    }

    /** Feeds one hostile datagram; any exception escaping fails the test with the datagram in hex. */
    private static List<byte[]> survive(Function<byte[], List<byte[]>> end, byte[] hostile) {
        try {
            return end.apply(hostile);
        } catch (RuntimeException e) {
            return fail("threw " + e + " on " + HexFormat.of().formatHex(hostile), e);
        }
    }
}
