package espgw.esp;

import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import espgw.sa.SecurityAssociation;
import espgw.wire.EspHeader;
import io.netty.buffer.ByteBuf;

/**
 * Outbound ESP core: inner IPv4 packet in, ESP packet (from the SPI on) out, in the same buffer.
 * No I/O, no Netty pipeline; one instance per event loop (it owns an AAD scratch array).
 */
public final class EspEncryptor {
    private final byte[] aad = new byte[EspCodec.MAX_AAD_LENGTH];

    /**
     * Encrypts the readable bytes of {@code buf} (an inner IPv4 packet) under {@code sa}. The
     * buffer needs {@link EspHeader#PAYLOAD_OFFSET} octets of headroom and
     * {@link EspCodec#tailroom} octets of tailroom.
     *
     * @return null when the readable bytes are now the ESP packet, else why to drop it
     */
    public DropReason encrypt(SecurityAssociation sa, ByteBuf buf) {
        long sequence = sa.nextSequence();
        if (sequence == 0 || !sa.admit(buf.readableBytes())) {
            return DropReason.SA_EXPIRED;
        }
        // The explicit IV is the sequence number (RFC 4106 §3.1 allows a counter): unique per key
        // because sequence numbers never cycle and are durably reserved across restarts
        // (see espgw.sa.SequenceStore).
        long iv = sequence;
        EspCodec.seal(sa.aead(), aad, sa.spi(), sequence, sa.esn(), iv, EspHeader.NEXT_HEADER_IPV4, buf);
        return null;
    }
}
