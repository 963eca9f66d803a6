package espgw.ike.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An IKE message (RFC 7296 §3): the header and its payload chain. An encrypted message carries an
 * {@link EncryptedPayload} as its last payload until {@code IkeMessageProtection} opens it.
 * IKE is not the hot path: messages are plain objects, decoded from and encoded to {@code byte[]}.
 */
public record IkeMessage(IkeHeader header, List<IkePayload> payloads) {
    public IkeMessage {
        payloads = List.copyOf(payloads);
    }

    /**
     * Decodes one datagram (without the non-ESP marker of RFC 3948).
     *
     * @throws IkeProtocolException naming the notify to answer a malformed message with
     */
    public static IkeMessage decode(byte[] datagram) throws IkeProtocolException {
        ByteBuf buf = Unpooled.wrappedBuffer(datagram);
        try {
            return decode(buf);
        } finally {
            buf.release();
        }
    }

    /** Decodes the readable bytes of {@code buf} without moving its indexes or releasing it. */
    public static IkeMessage decode(ByteBuf buf) throws IkeProtocolException {
        IkeHeader header = IkeHeader.decode(buf);
        List<IkePayload> payloads = PayloadChain.decode(header.nextPayload(), buf,
                buf.readerIndex() + IkeHeader.LENGTH, header.length() - IkeHeader.LENGTH);
        return new IkeMessage(header, payloads);
    }

    /** Encodes the message; the header's Next Payload and Length are taken from the payloads. */
    public byte[] encode() {
        ByteBuf out = Unpooled.buffer(256);
        try {
            out.writerIndex(IkeHeader.LENGTH);
            int first = PayloadChain.encode(payloads, out);
            int length = out.writerIndex();
            out.writerIndex(0);
            new IkeHeader(header.initiatorSpi(), header.responderSpi(), first, header.exchangeType(), header.flags(),
                    header.messageId(), length).encode(out);
            out.writerIndex(length);
            return ByteBufUtil.getBytes(out);
        } finally {
            out.release();
        }
    }

    /** The first payload of a class, e.g. {@code first(NoncePayload.class)}. */
    public <T extends IkePayload> Optional<T> first(Class<T> type) {
        for (IkePayload payload : payloads) {
            if (type.isInstance(payload)) {
                return Optional.of(type.cast(payload));
            }
        }
        return Optional.empty();
    }

    /** The first payload of a payload type (to tell IDi from IDr and TSi from TSr). */
    public Optional<IkePayload> firstOfType(int payloadType) {
        for (IkePayload payload : payloads) {
            if (payload.type() == payloadType) {
                return Optional.of(payload);
            }
        }
        return Optional.empty();
    }

    public List<NotifyPayload> notifies() {
        List<NotifyPayload> notifies = new ArrayList<>();
        for (IkePayload payload : payloads) {
            if (payload instanceof NotifyPayload notify) {
                notifies.add(notify);
            }
        }
        return notifies;
    }

    public Optional<NotifyPayload> notify(int notifyType) {
        for (NotifyPayload notify : notifies()) {
            if (notify.notifyType() == notifyType) {
                return Optional.of(notify);
            }
        }
        return Optional.empty();
    }

    /** The first error notify, if any (§3.10.1: types below 16384). */
    public Optional<NotifyPayload> firstError() {
        for (NotifyPayload notify : notifies()) {
            if (notify.isError()) {
                return Optional.of(notify);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return header + " " + payloads;
    }
}
