package espgw.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * The chain of payloads behind the IKE header or inside an Encrypted payload: each starts with
 * the generic payload header of RFC 7296 §3.2, whose Next Payload names the type of the one after.
 *
 * <pre>
 *  | Next Payload |C|  RESERVED   |         Payload Length        |
 * </pre>
 */
public final class PayloadChain {
    /** §3.2: the generic payload header. */
    public static final int GENERIC_HEADER_LENGTH = 4;
    /** §3.2: the Critical bit in the second octet. */
    public static final int CRITICAL = 0x80;

    private PayloadChain() {
    }

    /**
     * Decodes payloads from {@code index} to {@code index + length}. An Encrypted payload ends the
     * chain (§3.14: it is the last payload; its Next Payload names the first inner payload).
     *
     * @throws IkeProtocolException INVALID_SYNTAX for any length that does not fit,
     *     UNSUPPORTED_CRITICAL_PAYLOAD for an unknown payload with the Critical bit (§2.5)
     */
    public static List<IkePayload> decode(int firstType, ByteBuf buf, int index, int length)
            throws IkeProtocolException {
        BodyReader in = new BodyReader(buf, index, length, "payload chain");
        List<IkePayload> payloads = new ArrayList<>();
        int type = firstType;
        while (type != PayloadType.NO_NEXT_PAYLOAD) {
            String name = PayloadType.name(type);
            int next = in.u8(name + " Next Payload");
            boolean critical = (in.u8(name + " flags") & CRITICAL) != 0;
            int payloadLength = in.u16(name + " Payload Length");
            if (payloadLength < GENERIC_HEADER_LENGTH) {
                throw IkeProtocolException.invalidSyntax(name + ": Payload Length " + payloadLength
                        + " is shorter than its header");
            }
            BodyReader body = in.sub(payloadLength - GENERIC_HEADER_LENGTH, name + " body");
            IkePayload payload = decodeBody(type, next, critical, body);
            payloads.add(payload);
            if (payload instanceof EncryptedPayload) {
                break;
            }
            type = next;
        }
        in.expectEnd();
        return payloads;
    }

    private static IkePayload decodeBody(int type, int next, boolean critical, BodyReader body)
            throws IkeProtocolException {
        IkePayload payload;
        switch (type) {
            case PayloadType.SECURITY_ASSOCIATION: payload = SaPayload.decode(body); break;
            case PayloadType.KEY_EXCHANGE: payload = KePayload.decode(body); break;
            case PayloadType.IDENTIFICATION_INITIATOR: payload = IdPayload.decode(true, body); break;
            case PayloadType.IDENTIFICATION_RESPONDER: payload = IdPayload.decode(false, body); break;
            case PayloadType.CERTIFICATE: payload = CertPayload.decode(body); break;
            case PayloadType.CERTIFICATE_REQUEST: payload = CertRequestPayload.decode(body); break;
            case PayloadType.AUTHENTICATION: payload = AuthPayload.decode(body); break;
            case PayloadType.NONCE: payload = NoncePayload.decode(body); break;
            case PayloadType.NOTIFY: payload = NotifyPayload.decode(body); break;
            case PayloadType.DELETE: payload = DeletePayload.decode(body); break;
            case PayloadType.VENDOR_ID: payload = new VendorIdPayload(body.rest()); break;
            case PayloadType.TRAFFIC_SELECTOR_INITIATOR: payload = TrafficSelectorPayload.decode(true, body); break;
            case PayloadType.TRAFFIC_SELECTOR_RESPONDER: payload = TrafficSelectorPayload.decode(false, body); break;
            case PayloadType.ENCRYPTED_AND_AUTHENTICATED: payload = new EncryptedPayload(next, body.rest()); break;
            default:
                if (critical) {
                    throw new IkeProtocolException(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, new byte[] {(byte) type},
                            PayloadType.name(type) + " is marked critical");
                }
                payload = new UnknownPayload(type, body.rest());
        }
        body.expectEnd();
        return payload;
    }

    /**
     * Encodes payloads with their generic headers; returns the type of the first (the value the
     * IKE header or the enclosing Encrypted payload announces).
     */
    public static int encode(List<? extends IkePayload> payloads, ByteBuf out) {
        for (int i = 0; i < payloads.size(); i++) {
            IkePayload payload = payloads.get(i);
            int next;
            if (payload instanceof EncryptedPayload encrypted) {
                if (i != payloads.size() - 1) {
                    throw new IllegalArgumentException("the Encrypted payload must be the last (RFC 7296 §3.14)");
                }
                next = encrypted.firstInnerPayload();
            } else {
                next = i + 1 < payloads.size() ? payloads.get(i + 1).type() : PayloadType.NO_NEXT_PAYLOAD;
            }
            int start = out.writerIndex();
            out.writeByte(next).writeByte(0).writeShort(0);
            payload.encodeBody(out);
            int payloadLength = out.writerIndex() - start;
            if (payloadLength > 0xFFFF) {
                throw new IllegalArgumentException(PayloadType.name(payload.type()) + " is " + payloadLength
                        + " octets, more than a Payload Length can say");
            }
            out.setShort(start + 2, payloadLength);
        }
        return payloads.isEmpty() ? PayloadType.NO_NEXT_PAYLOAD : payloads.get(0).type();
    }
}
