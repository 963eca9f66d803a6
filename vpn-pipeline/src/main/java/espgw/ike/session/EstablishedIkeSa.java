package espgw.ike.session;

import espgw.ike.crypto.IkeMessageProtection;
import espgw.ike.message.DeletePayload;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.ProtocolId;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An IKE SA after its setup, answering the peer's INFORMATIONAL requests (RFC 7296 §1.4): an
 * empty one (a liveness check, §2.4) and a Delete of the IKE SA (§1.4.1) get an empty response; the
 * Delete ends the SA and with it its CHILD SAs. Requests are taken in message-ID order with a
 * window of one (§2.3); a retransmitted request gets the very same response again (§2.1). Anything
 * else (other exchanges, forged or stale messages) is dropped unanswered. No I/O, one thread.
 */
public final class EstablishedIkeSa {
    private final long spiI;
    private final long spiR;
    private final boolean initiator;
    private final IkeMessageProtection protection;
    private int nextRequestId;
    private byte[] lastRequest;
    private byte[] lastResponse;
    private boolean deleted;

    /**
     * @param initiator     whether this end is the IKE SA's original initiator
     * @param nextRequestId the message ID of the peer's next request: 0 when the peer was the responder,
     *                      2 after its IKE_SA_INIT and IKE_AUTH when it was the initiator
     */
    EstablishedIkeSa(long spiI, long spiR, boolean initiator, IkeMessageProtection protection, int nextRequestId) {
        this.spiI = spiI;
        this.spiR = spiR;
        this.initiator = initiator;
        this.protection = protection;
        this.nextRequestId = nextRequestId;
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
            // §3.1: the I flag marks the original initiator's messages, so the peer's requests carry it iff we responded.
            if (deleted || header.isResponse() || header.isInitiator() == initiator || !owns(header)
                    || header.exchangeType() != ExchangeType.INFORMATIONAL || header.messageId() != nextRequestId) {
                return List.of();
            }
            Optional<IkeMessage> opened = protection.open(message, datagram);
            if (opened.isEmpty()) {
                return List.of();
            }
            deleted = opened.get().payloads().stream()
                    .anyMatch(p -> p instanceof DeletePayload delete && delete.protocolId() == ProtocolId.IKE);
            byte[] response = protection.seal(IkeHeader.of(spiI, spiR, ExchangeType.INFORMATIONAL,
                    IkeHeader.FLAG_RESPONSE | (initiator ? IkeHeader.FLAG_INITIATOR : 0), header.messageId()), List.of());
            nextRequestId++;
            lastRequest = datagram;
            lastResponse = response;
            return List.of(response);
        } catch (IkeProtocolException e) {
            return List.of();
        }
    }

    /** True once the peer deleted this IKE SA, and with it its CHILD SAs. */
    public boolean deleted() {
        return deleted;
    }

    @Override
    public String toString() {
        return String.format("EstablishedIkeSa[%016x/%016x%s]", spiI, spiR, deleted ? " deleted" : "");
    }
}
