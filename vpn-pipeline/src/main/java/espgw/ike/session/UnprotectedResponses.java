package espgw.ike.session;

import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.NotifyPayload;
import espgw.ike.message.NotifyType;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * The answers a responder sends without an IKE SA and without keeping state (RFC 7296 §1.5, §2.5,
 * §2.6): an IKE_SA_INIT error response with the responder's SPI zero, and the one-way
 * INVALID_MAJOR_VERSION notification. Responses are never answered (§1.5).
 */
public final class UnprotectedResponses {
    /** §3.1: Exchange Type, Flags and Message ID of the header, read without {@link IkeHeader#decode}. */
    private static final int EXCHANGE_TYPE_OFFSET = 18;
    private static final int FLAGS_OFFSET = 19;
    private static final int MESSAGE_ID_OFFSET = 20;

    private UnprotectedResponses() {
    }

    /** An IKE_SA_INIT response holding only {@code notify}; SPIr stays zero (§1.2, §2.6). */
    public static byte[] initError(IkeHeader request, NotifyPayload notify) {
        return new IkeMessage(IkeHeader.of(request.initiatorSpi(), 0, ExchangeType.IKE_SA_INIT,
                IkeHeader.FLAG_RESPONSE, 0), List.of(notify)).encode();
    }

    /** §2.6: "HDR(A,0), N(COOKIE)": asks the initiator to send its IKE_SA_INIT again with the cookie. */
    public static byte[] cookieChallenge(IkeHeader request, byte[] cookie) {
        return initError(request, NotifyPayload.of(NotifyType.COOKIE, cookie));
    }

    /**
     * The answer to a request that did not decode, where the RFC asks for one without an IKE SA: an
     * IKE_SA_INIT request gets UNSUPPORTED_CRITICAL_PAYLOAD (§2.5: "MUST") or INVALID_SYNTAX,
     * another major version INVALID_MAJOR_VERSION with the version we speak (§1.5, §2.5), copying
     * the SPIs, the Exchange Type and the Message ID. Nothing for responses, shorter datagrams than
     * a header, or other errors (without an IKE SA nothing authenticates them).
     */
    public static Optional<byte[]> answer(byte[] datagram, IkeProtocolException error) {
        if (datagram.length < IkeHeader.LENGTH || (datagram[FLAGS_OFFSET] & IkeHeader.FLAG_RESPONSE) != 0) {
            return Optional.empty();
        }
        ByteBuffer header = ByteBuffer.wrap(datagram);
        long spiI = header.getLong(0);
        long spiR = header.getLong(8);
        int exchange = datagram[EXCHANGE_TYPE_OFFSET] & 0xFF;
        int messageId = header.getInt(MESSAGE_ID_OFFSET);
        if (error.notifyType() == NotifyType.INVALID_MAJOR_VERSION) {
            return Optional.of(new IkeMessage(IkeHeader.of(spiI, spiR, exchange, IkeHeader.FLAG_RESPONSE, messageId),
                    List.of(error.toNotify())).encode());
        }
        boolean initRequest = exchange == ExchangeType.IKE_SA_INIT && messageId == 0 && spiR == 0;
        boolean answered = error.notifyType() == NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD
                || error.notifyType() == NotifyType.INVALID_SYNTAX;
        return initRequest && answered
                ? Optional.of(initError(IkeHeader.of(spiI, 0, exchange, 0, 0), error.toNotify()))
                : Optional.empty();
    }
}
