package espgw.ike.message;

import io.netty.buffer.ByteBuf;

/**
 * The Authentication payload (RFC 7296 §3.8).
 *
 * <pre>
 *  | Auth Method   |                RESERVED                       |
 *  ~                      Authentication Data                      ~
 * </pre>
 */
public record AuthPayload(int method, byte[] data) implements IkePayload {
    /** §3.8 Auth Method values. */
    public static final int RSA_DIGITAL_SIGNATURE = 1;
    public static final int SHARED_KEY_MESSAGE_INTEGRITY_CODE = 2;
    public static final int DSS_DIGITAL_SIGNATURE = 3;
    /** RFC 4754 §3, §7: the Authentication Data is r||s, each a 32-octet big-endian integer. */
    public static final int ECDSA_WITH_SHA256_ON_THE_P256_CURVE = 9;
    /** RFC 7427 §3: the signature algorithm is named inside the Authentication Data. */
    public static final int DIGITAL_SIGNATURE = 14;

    public AuthPayload {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public int type() {
        return PayloadType.AUTHENTICATION;
    }

    static AuthPayload decode(BodyReader in) throws IkeProtocolException {
        int method = in.u8("Auth Method");
        in.skip(3, "RESERVED");
        return new AuthPayload(method, in.rest());
    }

    @Override
    public void encodeBody(ByteBuf out) {
        out.writeByte(method).writeMedium(0).writeBytes(data);
    }

    @Override
    public String toString() {
        return "AUTH(method " + method + ", " + data.length + " octets)";
    }
}
