package espgw.wire;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over the ESP packet format of RFC 4303 §2 as used with the AEAD transforms of
 * RFC 4106 (AES-GCM) and RFC 7634 (ChaCha20-Poly1305): static accessors on a buffer index, no
 * object per packet. The index passed to each accessor is where the SPI starts.
 *
 * <pre>
 *  0                   1                   2                   3
 *  |  Security Parameters Index (SPI)                              |  §2.1
 *  |  Sequence Number (low 32 bits with ESN)                       |  §2.2, §2.2.1
 *  |  Explicit IV (8 octets)                                       |  RFC 4106 §3.1
 *  |  Payload Data ... Padding (0-255) | Pad Length | Next Header  |  §2.3 - §2.6
 *  |  ICV (16 octets)                                              |  §2.8, RFC 4106 §6
 * </pre>
 */
public final class EspHeader {
    /** RFC 4303 §2.1: offset of the Security Parameters Index. */
    public static final int SPI_OFFSET = 0;
    /** RFC 4303 §2.2: offset of the (low 32 bits of the) Sequence Number. */
    public static final int SEQUENCE_NUMBER_OFFSET = 4;
    /** RFC 4303 §2: SPI and Sequence Number, the part that is never encrypted. */
    public static final int HEADER_LENGTH = 8;
    /** RFC 4106 §3.1 and RFC 7634 §2: the explicit IV carried in front of the ciphertext. */
    public static final int IV_OFFSET = HEADER_LENGTH;
    public static final int IV_LENGTH = 8;
    /** RFC 4303 §2.3: where the (encrypted) Payload Data begins. */
    public static final int PAYLOAD_OFFSET = IV_OFFSET + IV_LENGTH;
    /** RFC 4303 §2.5 and §2.6: Pad Length and Next Header, one octet each. */
    public static final int TRAILER_LENGTH = 2;
    /** RFC 4106 §6 and RFC 7634 §2: 16-octet ICV (the only length espgw negotiates). */
    public static final int ICV_LENGTH = 16;
    /** RFC 4303 §2.4: the ciphertext (payload, padding, trailer) ends on a 4-octet boundary. */
    public static final int ALIGNMENT = 4;
    /** RFC 4303 §2.4: at most 255 octets of padding. */
    public static final int MAX_PAD_LENGTH = 255;
    /** Smallest well-formed packet: header, IV, empty payload with trailer, ICV. */
    public static final int MIN_PACKET_LENGTH = PAYLOAD_OFFSET + TRAILER_LENGTH + ICV_LENGTH;
    /** Largest overhead a payload gets behind it: up to 3 octets of padding, trailer, ICV. */
    public static final int MAX_TRAILER_OVERHEAD = (ALIGNMENT - 1) + TRAILER_LENGTH + ICV_LENGTH;

    /** RFC 4303 §2.6 (tunnel mode): Next Header 4 means the payload is an IPv4 packet. */
    public static final int NEXT_HEADER_IPV4 = 4;
    /** RFC 4303 §2.6: Next Header 59 ("no next header") marks a dummy packet to be discarded. */
    public static final int NEXT_HEADER_NO_NEXT_HEADER = 59;

    /** RFC 4303 §2.1: SPI 0 is reserved for local use and never appears on the wire. */
    public static final int SPI_RESERVED_LOCAL = 0;
    /** RFC 4303 §2.1: SPIs 1 to 255 are reserved by IANA for future use. */
    public static final int SPI_RESERVED_IANA_MAX = 255;

    private EspHeader() {
    }

    public static int spi(ByteBuf buf, int index) {
        return buf.getInt(index + SPI_OFFSET);
    }

    public static void setSpi(ByteBuf buf, int index, int spi) {
        buf.setInt(index + SPI_OFFSET, spi);
    }

    /** The 32 bits on the wire, as an unsigned value. */
    public static long sequenceNumber(ByteBuf buf, int index) {
        return buf.getUnsignedInt(index + SEQUENCE_NUMBER_OFFSET);
    }

    /** Writes the low 32 bits; with ESN the high half travels only in the AAD (RFC 4303 §2.2.1). */
    public static void setSequenceNumber(ByteBuf buf, int index, long sequenceNumber) {
        buf.setInt(index + SEQUENCE_NUMBER_OFFSET, (int) sequenceNumber);
    }

    public static long iv(ByteBuf buf, int index) {
        return buf.getLong(index + IV_OFFSET);
    }

    public static void setIv(ByteBuf buf, int index, long iv) {
        buf.setLong(index + IV_OFFSET, iv);
    }

    /**
     * RFC 4303 §2.4: the fewest padding octets that end payload, Pad Length and Next Header on a
     * 4-octet boundary (the AEAD transforms have block size 1, so alignment is the only rule).
     */
    public static int paddingLength(int payloadLength) {
        return (ALIGNMENT - ((payloadLength + TRAILER_LENGTH) & (ALIGNMENT - 1))) & (ALIGNMENT - 1);
    }
}
