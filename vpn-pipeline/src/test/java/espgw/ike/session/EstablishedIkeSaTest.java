package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.IkeMessageProtection;
import espgw.ike.crypto.IkeSaKeys;
import espgw.ike.crypto.Prf;
import espgw.ike.message.DeletePayload;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.ProtocolId;
import espgw.ike.message.TrafficSelector;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The peer's INFORMATIONAL requests on an established IKE SA (RFC 7296 §1.4), sealed with the peer's keys. */
class EstablishedIkeSaTest {
    private static final long SPI_I = 0x1111_2222_3333_4444L;
    private static final long SPI_R = 0x5555_6666_7777_8888L;
    private final IkeSaKeys keys = IkeSaKeys.derive(Prf.PRF_HMAC_SHA2_256, IkeEncryption.AES_GCM_16_128,
            new byte[32], new byte[32], new byte[32], SPI_I, SPI_R);
    /** We responded; the peer, the original initiator, sends requests from message ID 2 on. */
    private static final int OUR_INBOUND_SPI = 0x0000_1001;
    private static final int OUR_OUTBOUND_SPI = 0x0000_2001;
    private static final TrafficSelector ANY = TrafficSelector.ipv4Prefix(0, 0);
    private final NegotiatedChildSa child = new NegotiatedChildSa(OUR_INBOUND_SPI, OUR_OUTBOUND_SPI,
            IkeEncryption.AES_GCM_16_128, false, new byte[20], new byte[20], List.of(ANY), List.of(ANY));
    private final EstablishedIkeSa ours = new EstablishedIkeSa(SPI_I, SPI_R, false, new IkeMessageProtection(keys, false),
            2, child);
    private final IkeMessageProtection peer = new IkeMessageProtection(keys, true);

    private byte[] request(int messageId, List<IkePayload> payloads) {
        return peer.seal(IkeHeader.of(SPI_I, SPI_R, ExchangeType.INFORMATIONAL, IkeHeader.FLAG_INITIATOR, messageId),
                payloads);
    }

    @Test
    void livenessCheckGetsAnEmptyResponseAndARetransmissionTheSameOne() throws Exception {
        byte[] check = request(2, List.of());
        List<byte[]> response = ours.receive(check);
        assertEquals(1, response.size());
        IkeMessage opened = peer.open(IkeMessage.decode(response.get(0)), response.get(0)).orElseThrow();
        assertTrue(opened.header().isResponse());
        assertFalse(opened.header().isInitiator(), "we are not the original initiator");
        assertEquals(2, opened.header().messageId());
        assertTrue(opened.payloads().isEmpty());
        assertArrayEquals(response.get(0), ours.receive(check).get(0), "§2.1: the same octets again");
        assertFalse(ours.deleted());
        assertEquals(1, ours.receive(request(3, List.of())).size(), "the next message ID");
    }

    @Test
    void deleteOfTheIkeSaIsAnsweredAndEndsIt() {
        assertEquals(1, ours.receive(request(2, List.of(DeletePayload.ikeSa()))).size());
        assertTrue(ours.deleted());
        assertTrue(ours.receive(request(3, List.of())).isEmpty(), "nothing more on a deleted SA");
    }

    @Test
    void deleteOfTheChildSaIsAnsweredWithADeleteOfOurInboundSpiOfThePair() throws Exception {
        DeletePayload peersInbound = new DeletePayload(ProtocolId.ESP, 4, List.of(spi(OUR_OUTBOUND_SPI)));
        byte[] response = ours.receive(request(2, List.of(peersInbound))).get(0);
        IkeMessage opened = peer.open(IkeMessage.decode(response), response).orElseThrow();
        DeletePayload answer = opened.first(DeletePayload.class).orElseThrow();
        assertEquals(ProtocolId.ESP, answer.protocolId());
        assertArrayEquals(spi(OUR_INBOUND_SPI), answer.spis().get(0));
        assertTrue(ours.childDeleted());
        assertFalse(ours.deleted(), "the IKE SA stays");
        assertEquals(1, ours.receive(request(3, List.of())).size());
    }

    @Test
    void deleteOfAnotherChildSaChangesNothing() {
        DeletePayload other = new DeletePayload(ProtocolId.ESP, 4, List.of(spi(0x7777)));
        assertEquals(1, ours.receive(request(2, List.of(other))).size());
        assertFalse(ours.childDeleted());
    }

    private static byte[] spi(int spi) {
        return ByteBuffer.allocate(4).putInt(spi).array();
    }

    @Test
    void ourDeleteIsOurFirstRequestAndEndsTheSa() throws Exception {
        byte[] delete = ours.deleteRequest();
        IkeMessage opened = peer.open(IkeMessage.decode(delete), delete).orElseThrow();
        assertFalse(opened.header().isResponse());
        assertFalse(opened.header().isInitiator(), "we responded when it was set up");
        assertEquals(0, opened.header().messageId(), "§2.2: the responder's requests count from 0");
        assertEquals(ProtocolId.IKE, opened.first(DeletePayload.class).orElseThrow().protocolId());
        assertTrue(ours.deleted());
    }

    @Test
    void wrongMessageIdsForgeriesAndResponsesGoUnanswered() {
        assertTrue(ours.receive(request(5, List.of(DeletePayload.ikeSa()))).isEmpty(), "out of the window");
        byte[] forged = request(2, List.of(DeletePayload.ikeSa()));
        forged[forged.length - 1] ^= 1;
        assertTrue(ours.receive(forged).isEmpty(), "the ICV does not verify");
        byte[] response = peer.seal(IkeHeader.of(SPI_I, SPI_R, ExchangeType.INFORMATIONAL,
                IkeHeader.FLAG_INITIATOR | IkeHeader.FLAG_RESPONSE, 2), List.of());
        assertTrue(ours.receive(response).isEmpty());
        assertTrue(ours.receive(new byte[] {1, 2, 3}).isEmpty());
        assertFalse(ours.deleted());
        assertEquals(1, ours.receive(request(2, List.of())).size(), "message 2 is still expected");
    }
}
