package espgw.ike.message;

import io.netty.buffer.ByteBuf;

/**
 * A payload espgw does not understand and whose Critical bit was clear (RFC 7296 §2.5): kept so
 * the message re-encodes as received, otherwise skipped.
 */
public record UnknownPayload(int type, byte[] body) implements IkePayload {
    public UnknownPayload {
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public void encodeBody(ByteBuf out) {
        out.writeBytes(body);
    }

    @Override
    public String toString() {
        return PayloadType.name(type) + "(" + body.length + " octets, skipped)";
    }
}
