package espgw.ike.crypto;

import espgw.crypto.AeadAlgorithm;
import espgw.crypto.JceAead;
import espgw.ike.message.EncryptedPayload;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.PayloadChain;
import espgw.ike.message.PayloadType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Seals and opens the Encrypted payload SK (RFC 7296 §3.14) of one IKE SA with an AEAD cipher:
 * RFC 5282 §3 and §5 for AES-GCM, RFC 7634 §4 for ChaCha20-Poly1305.
 *
 * <pre>
 *  | IKE header | Next Payload |C| RESERVED | Payload Length |   &lt;- AAD (RFC 5282 §5.1)
 *  | IV (8) | inner payloads | Padding | Pad Length (1) | ICV (16) |
 *             `------------ encrypted ----------------'
 * </pre>
 *
 * The nonce is the salt at the end of SK_e followed by the IV (RFC 5282 §4, RFC 7634 §2); the IV is
 * a counter, unique per message under each key. No padding is sent (block size 1, §3.14 asks only
 * that Padding and Pad Length fill the last block); any padding is accepted. Confined to one
 * thread, like the {@link JceAead} inside.
 */
public final class IkeMessageProtection {
    /** RFC 5282 §3.1, RFC 7634 §4: an 8-octet explicit IV. */
    public static final int IV_LENGTH = 8;
    /** §3.14: the one-octet Pad Length closing the plaintext. */
    private static final int PAD_LENGTH_FIELD = 1;

    private final JceAead outbound;
    private final JceAead inbound;
    private long nextIv;

    /** @param initiator whether this end is the IKE SA's original initiator (it sends with SK_ei) */
    public IkeMessageProtection(IkeSaKeys keys, boolean initiator) {
        AeadAlgorithm algorithm = keys.encryption().aead();
        this.outbound = new JceAead(algorithm, initiator ? keys.skEi() : keys.skEr());
        this.inbound = new JceAead(algorithm, initiator ? keys.skEr() : keys.skEi());
    }

    /**
     * A whole message: {@code header} (its Next Payload and Length are filled in) and one SK
     * payload holding {@code inner}.
     */
    public byte[] seal(IkeHeader header, List<? extends IkePayload> inner) {
        ByteBuf out = Unpooled.buffer(512);
        try {
            out.writerIndex(IkeHeader.LENGTH + PayloadChain.GENERIC_HEADER_LENGTH + IV_LENGTH);
            int plaintextStart = out.writerIndex();
            int firstInner = PayloadChain.encode(inner, out);
            out.writeByte(0);
            int plaintextLength = out.writerIndex() - plaintextStart;
            out.writeZero(AeadAlgorithm.ICV_LENGTH);
            int total = out.writerIndex();
            int aadLength = IkeHeader.LENGTH + PayloadChain.GENERIC_HEADER_LENGTH;
            long iv = nextIv++;
            out.writerIndex(0);
            new IkeHeader(header.initiatorSpi(), header.responderSpi(), PayloadType.ENCRYPTED_AND_AUTHENTICATED,
                    header.exchangeType(), header.flags(), header.messageId(), total).encode(out);
            out.writeByte(firstInner).writeByte(0).writeShort(total - IkeHeader.LENGTH);
            out.writeLong(iv);
            out.writerIndex(total);
            byte[] aad = ByteBufUtil.getBytes(out, 0, aadLength);
            outbound.seal(iv, aad, aadLength, out, plaintextStart, plaintextLength);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    /**
     * Opens the SK payload of a received message.
     *
     * @param message {@code datagram} decoded; its last payload must be the SK payload
     * @return the message with the inner payloads in place of SK, or empty when it cannot be
     *     authenticated: no SK payload, one too short to hold an IV and ICV, or an ICV that does not
     *     verify (§2.21.2: such a message is dropped without an answer; answering it, or taking it
     *     as the response, would let anyone who saw the SPIs use up a message ID or end an exchange)
     * @throws IkeProtocolException INVALID_SYNTAX when the authenticated content is malformed
     */
    public Optional<IkeMessage> open(IkeMessage message, byte[] datagram) throws IkeProtocolException {
        List<IkePayload> payloads = message.payloads();
        if (payloads.isEmpty() || !(payloads.get(payloads.size() - 1) instanceof EncryptedPayload sk)) {
            return Optional.empty();
        }
        int bodyLength = sk.body().length;
        int ciphertextLength = bodyLength - IV_LENGTH;
        if (ciphertextLength < PAD_LENGTH_FIELD + AeadAlgorithm.ICV_LENGTH) {
            return Optional.empty();
        }
        int aadLength = datagram.length - bodyLength;
        ByteBuf buf = Unpooled.wrappedBuffer(datagram.clone());
        try {
            long iv = buf.getLong(aadLength);
            int ciphertextStart = aadLength + IV_LENGTH;
            if (!inbound.open(iv, datagram, aadLength, buf, ciphertextStart, ciphertextLength)) {
                return Optional.empty();
            }
            int plaintextLength = ciphertextLength - AeadAlgorithm.ICV_LENGTH;
            int padLength = buf.getUnsignedByte(ciphertextStart + plaintextLength - 1);
            int payloadsLength = plaintextLength - PAD_LENGTH_FIELD - padLength;
            if (payloadsLength < 0) {
                throw IkeProtocolException.invalidSyntax("Pad Length " + padLength + " in " + plaintextLength
                        + " octets of plaintext");
            }
            List<IkePayload> inner = PayloadChain.decode(sk.firstInnerPayload(), buf, ciphertextStart, payloadsLength);
            List<IkePayload> opened = new ArrayList<>(payloads.subList(0, payloads.size() - 1));
            opened.addAll(inner);
            return Optional.of(new IkeMessage(message.header(), opened));
        } finally {
            buf.release();
        }
    }

    @Override
    public String toString() {
        return "IkeMessageProtection[" + outbound.algorithm().configName() + "]";
    }
}
