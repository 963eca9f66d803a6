package espgw.ike.message;

import io.netty.buffer.ByteBuf;

/**
 * The Key Exchange payload (RFC 7296 §3.4): the group (a {@code Transform.GROUP_*} value) and the
 * sender's public value in that group's encoding.
 *
 * <pre>
 *  |   Diffie-Hellman Group Num    |           RESERVED            |
 *  ~                       Key Exchange Data                       ~
 * </pre>
 */
public record KePayload(int group, byte[] keyExchangeData) implements IkePayload {
    public KePayload {
        keyExchangeData = keyExchangeData.clone();
    }

    @Override
    public byte[] keyExchangeData() {
        return keyExchangeData.clone();
    }

    @Override
    public int type() {
        return PayloadType.KEY_EXCHANGE;
    }

    static KePayload decode(BodyReader in) throws IkeProtocolException {
        int group = in.u16("Diffie-Hellman Group Num");
        in.skip(2, "RESERVED");
        return new KePayload(group, in.rest());
    }

    @Override
    public void encodeBody(ByteBuf out) {
        out.writeShort(group).writeShort(0).writeBytes(keyExchangeData);
    }

    @Override
    public String toString() {
        return "KE(group " + group + ", " + keyExchangeData.length + " octets)";
    }
}
