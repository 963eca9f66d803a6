package espgw.ike.message;

import io.netty.buffer.ByteBuf;

/** The Nonce payload (RFC 7296 §3.9): 16 to 256 octets of random data. */
public record NoncePayload(byte[] nonce) implements IkePayload {
    /** §3.9: the Nonce Data is between 16 and 256 octets, inclusive. */
    public static final int MIN_LENGTH = 16;
    public static final int MAX_LENGTH = 256;

    public NoncePayload {
        if (nonce.length < MIN_LENGTH || nonce.length > MAX_LENGTH) {
            throw new IllegalArgumentException("a nonce has 16 to 256 octets, not " + nonce.length);
        }
        nonce = nonce.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    @Override
    public int type() {
        return PayloadType.NONCE;
    }

    static NoncePayload decode(BodyReader in) throws IkeProtocolException {
        byte[] nonce = in.rest();
        if (nonce.length < MIN_LENGTH || nonce.length > MAX_LENGTH) {
            throw IkeProtocolException.invalidSyntax("Nonce Data of " + nonce.length + " octets (16 to 256 allowed)");
        }
        return new NoncePayload(nonce);
    }

    @Override
    public void encodeBody(ByteBuf out) {
        out.writeBytes(nonce);
    }

    @Override
    public String toString() {
        return "Nonce(" + nonce.length + " octets)";
    }
}
