package espgw.wire;

import io.netty.buffer.ByteBuf;

/**
 * The ICMP header (RFC 792) at an offset in a {@link ByteBuf}. ICMP has no pseudo-header, but its
 * error messages carry the offending datagram's IP header and first 8 data bytes.
 */
public final class IcmpHeader {
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    /** RFC 1191 §4: the low 16 bits of the formerly unused word carry the Next-Hop MTU. */
    public static final int NEXT_HOP_MTU_OFFSET = 6;
    /** Type, code, checksum and one 32-bit word; error messages' embedded datagram follows. */
    public static final int HEADER_LENGTH = 8;
    /** RFC 792: errors carry "Internet Header + 64 bits of Original Data Datagram". */
    public static final int ORIGINAL_DATA_LENGTH = 8;

    // RFC 792 message types that report an error about an embedded datagram.
    public static final int TYPE_DESTINATION_UNREACHABLE = 3;
    public static final int TYPE_SOURCE_QUENCH = 4;
    public static final int TYPE_REDIRECT = 5;
    public static final int TYPE_TIME_EXCEEDED = 11;
    public static final int TYPE_PARAMETER_PROBLEM = 12;

    /** RFC 792 Destination Unreachable code 4 "fragmentation needed and DF set". */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;

    private IcmpHeader() {
    }

    public static int type(ByteBuf buf, int icmp) {
        return buf.getUnsignedByte(icmp + TYPE_OFFSET);
    }

    public static int checksum(ByteBuf buf, int icmp) {
        return buf.getUnsignedShort(icmp + CHECKSUM_OFFSET);
    }

    public static void setChecksum(ByteBuf buf, int icmp, int checksum) {
        buf.setShort(icmp + CHECKSUM_OFFSET, checksum);
    }

    /** True for the RFC 792 types whose data is the IP header of the datagram they report on. */
    public static boolean isError(int type) {
        return type == TYPE_DESTINATION_UNREACHABLE || type == TYPE_SOURCE_QUENCH
                || type == TYPE_REDIRECT || type == TYPE_TIME_EXCEEDED
                || type == TYPE_PARAMETER_PROBLEM;
    }
}
