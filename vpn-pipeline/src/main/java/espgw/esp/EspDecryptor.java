package espgw.esp;

import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import espgw.sa.ReplayWindow;
import espgw.sa.SaDatabase;
import espgw.sa.SecurityAssociation;
import espgw.wire.EspHeader;
import espgw.wire.Ipv4Header;
import io.netty.buffer.ByteBuf;

/**
 * Inbound ESP core: ESP packet (from the SPI on) in, inner IPv4 packet out, in the same buffer.
 * Processing order of RFC 4303 §3.4: SA lookup by SPI (§3.4.2), sequence number check before the
 * ICV (§3.4.3), ICV verification and decryption in one AEAD step (§3.4.4), window update only
 * after the ICV verified. No I/O; one instance per event loop.
 */
public final class EspDecryptor {
    private final SaDatabase database;
    private final byte[] aad = new byte[EspCodec.MAX_AAD_LENGTH];
    private SecurityAssociation lastSa;

    public EspDecryptor(SaDatabase database) {
        this.database = database;
    }

    /**
     * Authenticates and decrypts the readable bytes of {@code buf}.
     *
     * @return null when the readable bytes are now the inner IPv4 packet (its SA is
     *     {@link #lastSa()}), else why to drop it
     */
    public DropReason decrypt(ByteBuf buf) {
        lastSa = null;
        int start = buf.readerIndex();
        if (buf.readableBytes() < EspHeader.MIN_PACKET_LENGTH) {
            return DropReason.MALFORMED;
        }
        SecurityAssociation sa = database.inbound(EspHeader.spi(buf, start));
        if (sa == null) {
            return DropReason.NO_SA;
        }
        if (!sa.isUsable()) {
            return DropReason.SA_EXPIRED;
        }
        ReplayWindow window = sa.replayWindow();
        if (!window.check(EspHeader.sequenceNumber(buf, start))) {
            return DropReason.REPLAY;
        }
        long sequence = window.checkedSequence();
        int aadLength = EspCodec.aad(aad, sa.spi(), sequence, sa.esn());
        int nextHeader = EspCodec.open(sa.aead(), aad, aadLength, buf);
        if (nextHeader == EspCodec.ICV_FAILED) {
            return DropReason.ICV;
        }
        // Authentic: this sequence number is used up whatever its content turns out to be.
        window.commit(sequence);
        if (nextHeader == EspCodec.BAD_PADDING) {
            return DropReason.MALFORMED;
        }
        if (!sa.admit(buf.readableBytes())) {
            return DropReason.SA_EXPIRED;
        }
        if (nextHeader == EspHeader.NEXT_HEADER_NO_NEXT_HEADER) {
            return DropReason.DUMMY;
        }
        if (nextHeader != EspHeader.NEXT_HEADER_IPV4) {
            return DropReason.BAD_NEXT_HEADER;
        }
        if (buf.readableBytes() < Ipv4Header.MIN_HEADER_LENGTH
                || Ipv4Header.version(buf, buf.readerIndex()) != Ipv4Header.VERSION) {
            return DropReason.MALFORMED;
        }
        lastSa = sa;
        return null;
    }

    /** The SA of the packet the last successful {@link #decrypt} returned; null after a drop. */
    public SecurityAssociation lastSa() {
        return lastSa;
    }
}
