package espgw.esp;

import espgw.crypto.Aead;
import espgw.wire.EspHeader;
import io.netty.buffer.ByteBuf;

/**
 * ESP framing around an {@link Aead}, in place: RFC 4303 §2 layout, §2.4 padding, RFC 4106 §5 /
 * RFC 7634 §2.1 AAD. No SA, no policy: the caller chooses sequence number, IV and Next Header.
 */
public final class EspCodec {
    /** {@link #open} result: the ICV did not verify. */
    public static final int ICV_FAILED = -1;
    /** {@link #open} result: authentic, but Pad Length or the padding octets are wrong. */
    public static final int BAD_PADDING = -2;
    /** Largest AAD: SPI, high and low sequence number halves (RFC 4106 §5). */
    public static final int MAX_AAD_LENGTH = 12;

    private EspCodec() {
    }

    /**
     * Writes the AAD: SPI || sequence number (8 octets), or SPI || high 32 || low 32 bits with
     * ESN (12 octets), as RFC 4106 §5 and RFC 7634 §2.1 define it.
     *
     * @return the AAD length
     */
    public static int aad(byte[] aad, int spi, long sequence, boolean esn) {
        putInt(aad, 0, spi);
        if (esn) {
            putInt(aad, 4, (int) (sequence >>> 32));
            putInt(aad, 8, (int) sequence);
            return 12;
        }
        putInt(aad, 4, (int) sequence);
        return 8;
    }

    /** Octets needed behind a payload of this length: padding, Pad Length, Next Header, ICV. */
    public static int tailroom(int payloadLength) {
        return EspHeader.paddingLength(payloadLength) + EspHeader.TRAILER_LENGTH + EspHeader.ICV_LENGTH;
    }

    /**
     * Turns the readable bytes of {@code buf} (the payload) into an ESP packet in place: the
     * header and IV go into the {@link EspHeader#PAYLOAD_OFFSET} octets in front of the reader
     * index, padding, trailer and ICV behind the writer index (the caller guarantees both rooms,
     * see {@link #tailroom}). Afterwards the readable bytes are the packet from the SPI on.
     *
     * @param aad scratch of at least {@link #MAX_AAD_LENGTH} octets
     */
    public static void seal(Aead aead, byte[] aad, int spi, long sequence, boolean esn, long iv, int nextHeader,
            ByteBuf buf) {
        int payloadIndex = buf.readerIndex();
        int payloadLength = buf.readableBytes();
        int padLength = EspHeader.paddingLength(payloadLength);
        int trailer = payloadIndex + payloadLength;
        // RFC 4303 §2.4: padding octets are 1, 2, 3, ... so the receiver can check them.
        for (int i = 1; i <= padLength; i++) {
            buf.setByte(trailer + i - 1, i);
        }
        buf.setByte(trailer + padLength, padLength);
        buf.setByte(trailer + padLength + 1, nextHeader);
        int plaintextLength = payloadLength + padLength + EspHeader.TRAILER_LENGTH;

        int start = payloadIndex - EspHeader.PAYLOAD_OFFSET;
        EspHeader.setSpi(buf, start, spi);
        EspHeader.setSequenceNumber(buf, start, sequence);
        EspHeader.setIv(buf, start, iv);
        int aadLength = aad(aad, spi, sequence, esn);
        aead.seal(iv, aad, aadLength, buf, payloadIndex, plaintextLength);
        buf.setIndex(start, payloadIndex + plaintextLength + EspHeader.ICV_LENGTH);
    }

    /**
     * Verifies and decrypts the ESP packet that is the readable bytes of {@code buf} (at least
     * {@link EspHeader#MIN_PACKET_LENGTH} octets, from the SPI on) in place. On success the
     * readable bytes are the payload without padding and trailer.
     *
     * @return the Next Header (0-255), {@link #ICV_FAILED} or {@link #BAD_PADDING}
     */
    public static int open(Aead aead, byte[] aad, int aadLength, ByteBuf buf) {
        int start = buf.readerIndex();
        int ciphertextIndex = start + EspHeader.PAYLOAD_OFFSET;
        int ciphertextLength = buf.readableBytes() - EspHeader.PAYLOAD_OFFSET;
        if (!aead.open(EspHeader.iv(buf, start), aad, aadLength, buf, ciphertextIndex, ciphertextLength)) {
            return ICV_FAILED;
        }
        int trailer = ciphertextIndex + ciphertextLength - EspHeader.ICV_LENGTH - EspHeader.TRAILER_LENGTH;
        int padLength = buf.getUnsignedByte(trailer);
        int nextHeader = buf.getUnsignedByte(trailer + 1);
        int padding = trailer - padLength;
        if (padding < ciphertextIndex) {
            return BAD_PADDING;
        }
        // RFC 4303 §2.4: the receiver SHOULD check the 1, 2, 3, ... pattern.
        for (int i = 1; i <= padLength; i++) {
            if (buf.getUnsignedByte(padding + i - 1) != i) {
                return BAD_PADDING;
            }
        }
        buf.setIndex(ciphertextIndex, padding);
        return nextHeader;
    }

    private static void putInt(byte[] b, int offset, int value) {
        b[offset] = (byte) (value >>> 24);
        b[offset + 1] = (byte) (value >>> 16);
        b[offset + 2] = (byte) (value >>> 8);
        b[offset + 3] = (byte) value;
    }
}
