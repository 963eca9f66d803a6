package espgw.wire;

import io.netty.buffer.ByteBuf;

/** The UDP header (RFC 768). Static accessors on the header's offset, no object per packet. */
public final class UdpHeader {
    public static final int LENGTH_OFFSET = 4;
    /** RFC 768 "Checksum": covers the pseudo-header, so address changes update it. */
    public static final int CHECKSUM_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;
    /**
     * RFC 768: "An all zero transmitted checksum value means that the transmitter generated no
     * checksum".
     */
    public static final int NO_CHECKSUM = 0;
    /** RFC 768: "If the computed checksum is zero, it is transmitted as all ones". */
    public static final int ZERO_CHECKSUM_TRANSMITTED = 0xFFFF;

    private UdpHeader() {
    }

    /** RFC 768 "Length": header plus data. */
    public static int length(ByteBuf buf, int udp) {
        return buf.getUnsignedShort(udp + LENGTH_OFFSET);
    }

    public static void setLength(ByteBuf buf, int udp, int length) {
        buf.setShort(udp + LENGTH_OFFSET, length);
    }

    public static int checksum(ByteBuf buf, int udp) {
        return buf.getUnsignedShort(udp + CHECKSUM_OFFSET);
    }

    /** The folded pseudo-header sum alone in the checksum field: a partial checksum the kernel completes. */
    public static void setPartialChecksum(ByteBuf buf, int ip, int udp, int udpLength) {
        long pseudoHeader = Ipv4Header.pseudoHeaderSum(buf, ip, Ipv4Header.PROTOCOL_UDP, udpLength);
        buf.setShort(udp + CHECKSUM_OFFSET, InternetChecksum.fold(pseudoHeader));
    }
}
