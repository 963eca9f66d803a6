package espgw.ike.session;

import espgw.ike.crypto.IkeMessageProtection;
import espgw.ike.message.DeletePayload;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.ProtocolId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An IKE SA after its setup, answering the peer's INFORMATIONAL requests (RFC 7296 §1.4): an
 * empty one (a liveness check, §2.4) and a Delete of the IKE SA (§1.4.1) get an empty response; the
 * Delete ends the SA and with it its CHILD SA. A Delete of the CHILD SA (naming the SPI the peer
 * receives on, our outbound one) is answered with a Delete of our inbound SPI of the pair.
 * Requests are taken in message-ID order with a window of one (§2.3); a retransmitted request gets
 * the very same response again (§2.1). Anything else (other exchanges, forged or stale messages) is
 * dropped unanswered. No I/O, one thread.
 */
public final class EstablishedIkeSa {
    private final long spiI;
    private final long spiR;
    private final boolean initiator;
    private final IkeMessageProtection protection;
    private final int childInboundSpi;
    private final int childOutboundSpi;
    private int nextRequestId;
    private final int ourNextRequestId;
    private byte[] lastRequest;
    private byte[] lastResponse;
    private boolean deleted;
    private boolean childDeleted;

    /**
     * @param initiator     whether this end is the IKE SA's original initiator
     * @param nextRequestId the message ID of the peer's next request: 0 when the peer was the responder,
     *                      2 after its IKE_SA_INIT and IKE_AUTH when it was the initiator
     * @param child         the CHILD SA set up with it, or null
     */
    EstablishedIkeSa(long spiI, long spiR, boolean initiator, IkeMessageProtection protection, int nextRequestId,
            NegotiatedChildSa child) {
        // §2.2: each end numbers its own requests; the initiator's IKE_SA_INIT and IKE_AUTH were 0 and 1.
        this.ourNextRequestId = initiator ? 2 : 0;
        this.spiI = spiI;
        this.spiR = spiR;
        this.initiator = initiator;
        this.protection = protection;
        this.nextRequestId = nextRequestId;
        this.childInboundSpi = child == null ? 0 : child.inboundSpi();
        this.childOutboundSpi = child == null ? 0 : child.outboundSpi();
    }

    /** True when {@code header} names this IKE SA. */
    public boolean owns(IkeHeader header) {
        return header.initiatorSpi() == spiI && header.responderSpi() == spiR;
    }

    /** One received datagram (without the non-ESP marker); returns the response, if any. */
    public List<byte[]> receive(byte[] datagram) {
        if (lastRequest != null && Arrays.equals(datagram, lastRequest)) {
            return List.of(lastResponse);
        }
        try {
            IkeMessage message = IkeMessage.decode(datagram);
            IkeHeader header = message.header();
            // §3.1: the I flag marks the original initiator's messages: the peer's requests carry it iff we responded.
            if (deleted || header.isResponse() || header.isInitiator() == initiator || !owns(header)
                    || header.exchangeType() != ExchangeType.INFORMATIONAL || header.messageId() != nextRequestId) {
                return List.of();
            }
            Optional<IkeMessage> opened = protection.open(message, datagram);
            if (opened.isEmpty()) {
                return List.of();
            }
            List<IkePayload> answer = new ArrayList<>();
            for (IkePayload payload : opened.get().payloads()) {
                if (payload instanceof DeletePayload delete) {
                    if (delete.protocolId() == ProtocolId.IKE) {
                        deleted = true;
                    } else if (!childDeleted && delete.protocolId() == ProtocolId.ESP
                            && names(delete, childOutboundSpi)) {
                        childDeleted = true;
                        answer.add(new DeletePayload(ProtocolId.ESP, Integer.BYTES,
                                List.of(ByteBuffer.allocate(Integer.BYTES).putInt(childInboundSpi).array())));
                    }
                }
            }
            if (deleted) {
                answer.clear(); // §1.4.1: the IKE SA's Delete is answered with an empty INFORMATIONAL
            }
            byte[] response = protection.seal(IkeHeader.of(spiI, spiR, ExchangeType.INFORMATIONAL,
                    IkeHeader.FLAG_RESPONSE | (initiator ? IkeHeader.FLAG_INITIATOR : 0), header.messageId()), answer);
            nextRequestId++;
            lastRequest = datagram;
            lastResponse = response;
            return List.of(response);
        } catch (IkeProtocolException e) {
            return List.of();
        }
    }

    /**
     * §1.4.1: our Delete of this IKE SA and its CHILD SA, sent once as espgw stops. It is not
     * retransmitted: a peer that misses it finds out by its own liveness checks.
     */
    public byte[] deleteRequest() {
        deleted = true;
        return protection.seal(IkeHeader.of(spiI, spiR, ExchangeType.INFORMATIONAL,
                initiator ? IkeHeader.FLAG_INITIATOR : 0, ourNextRequestId), List.of(DeletePayload.ikeSa()));
    }

    /** True once the peer deleted this IKE SA, and with it its CHILD SAs. */
    public boolean deleted() {
        return deleted;
    }

    /** True once the peer deleted the CHILD SA (or the whole IKE SA). */
    public boolean childDeleted() {
        return childDeleted || deleted;
    }

    private static boolean names(DeletePayload delete, int spi) {
        for (byte[] named : delete.spis()) {
            if (ByteBuffer.wrap(named).getInt() == spi) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return String.format("EstablishedIkeSa[%016x/%016x%s]", spiI, spiR, deleted ? " deleted" : "");
    }
}
