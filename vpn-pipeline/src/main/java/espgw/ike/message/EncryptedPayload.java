package espgw.ike.message;

import io.netty.buffer.ByteBuf;

/**
 * The Encrypted and Authenticated payload SK (RFC 7296 §3.14) as it travels: its body is the IV,
 * the ciphertext and the ICV; its Next Payload names the first payload inside. Sealing and opening
 * are {@code espgw.ike.crypto.IkeMessageProtection}'s job.
 */
public record EncryptedPayload(int firstInnerPayload, byte[] body) implements IkePayload {
    public EncryptedPayload {
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public int type() {
        return PayloadType.ENCRYPTED_AND_AUTHENTICATED;
    }

    @Override
    public void encodeBody(ByteBuf out) {
        out.writeBytes(body);
    }

    @Override
    public String toString() {
        return "SK(" + body.length + " octets, first inner " + PayloadType.name(firstInnerPayload) + ")";
    }
}
