package espgw.ike.message;

import io.netty.buffer.ByteBuf;

/**
 * The IKE header of RFC 7296 §3.1 (28 octets). {@code length} is the whole message; the encoder
 * of {@link IkeMessage} fills it in.
 *
 * <pre>
 *  |  IKE SA Initiator's SPI (8)  |  IKE SA Responder's SPI (8)  |
 *  |  Next Payload | MjVer | MnVer | Exchange Type | Flags |
 *  |  Message ID (4)  |  Length (4)  |
 * </pre>
 */
public record IkeHeader(long initiatorSpi, long responderSpi, int nextPayload, int exchangeType, int flags,
        int messageId, int length) {
    public static final int LENGTH = 28;
    /** §3.1: Major Version 2, Minor Version 0, in one octet. */
    public static final int VERSION_2_0 = 0x20;
    public static final int MAJOR_VERSION = 2;
    /** §3.1 flags: bit 3 (0x08) Initiator, bit 4 (0x10) Version, bit 5 (0x20) Response. */
    public static final int FLAG_INITIATOR = 0x08;
    public static final int FLAG_VERSION = 0x10;
    public static final int FLAG_RESPONSE = 0x20;
    /** Largest message espgw accepts; RFC 7296 §2 needs at least 1280 (3000 recommended). */
    public static final int MAX_MESSAGE_LENGTH = 65_535;

    public boolean isInitiator() {
        return (flags & FLAG_INITIATOR) != 0;
    }

    public boolean isResponse() {
        return (flags & FLAG_RESPONSE) != 0;
    }

    /** A header for a message to be encoded: Next Payload and Length are filled in by the encoder. */
    public static IkeHeader of(long initiatorSpi, long responderSpi, int exchangeType, int flags, int messageId) {
        return new IkeHeader(initiatorSpi, responderSpi, PayloadType.NO_NEXT_PAYLOAD, exchangeType, flags, messageId, 0);
    }

    /**
     * Reads and checks a header at the buffer's reader index against the datagram's size.
     *
     * @throws IkeProtocolException INVALID_MAJOR_VERSION for another major version (§2.5),
     *     INVALID_SYNTAX when the Length field disagrees with the datagram
     */
    public static IkeHeader decode(ByteBuf buf) throws IkeProtocolException {
        int available = buf.readableBytes();
        BodyReader in = new BodyReader(buf, buf.readerIndex(), available, "IKE header");
        long spiI = in.u64("Initiator's SPI");
        long spiR = in.u64("Responder's SPI");
        int next = in.u8("Next Payload");
        int version = in.u8("Version");
        int exchange = in.u8("Exchange Type");
        int flags = in.u8("Flags");
        int messageId = in.u32("Message ID");
        long length = in.u32("Length") & 0xFFFF_FFFFL;
        if (version >>> 4 != MAJOR_VERSION) {
            throw new IkeProtocolException(NotifyType.INVALID_MAJOR_VERSION, new byte[] {(byte) VERSION_2_0},
                    "major version " + (version >>> 4));
        }
        if (length != available) {
            throw IkeProtocolException.invalidSyntax("Length field says " + length + " octets, datagram has "
                    + available);
        }
        return new IkeHeader(spiI, spiR, next, exchange, flags, messageId, (int) length);
    }

    public void encode(ByteBuf out) {
        out.writeLong(initiatorSpi).writeLong(responderSpi).writeByte(nextPayload).writeByte(VERSION_2_0)
                .writeByte(exchangeType).writeByte(flags).writeInt(messageId).writeInt(length);
    }

    @Override
    public String toString() {
        return String.format("%s %s #%d spi %016x/%016x", ExchangeType.name(exchangeType),
                isResponse() ? "response" : "request", messageId & 0xFFFF_FFFFL, initiatorSpi, responderSpi);
    }
}
