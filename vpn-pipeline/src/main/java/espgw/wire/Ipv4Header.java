package espgw.wire;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over an IPv4 header (RFC 791 §3.1) at an offset in a {@link ByteBuf}: static
 * accessors, no object per packet. Field names follow RFC 791. Addresses are returned as the
 * big-endian {@code int} they are on the wire.
 */
public final class Ipv4Header {
    /** RFC 791 §3.1 "Version": 4. */
    public static final int VERSION = 4;
    /** RFC 791 §3.1 "IHL": at least 5 32-bit words. */
    public static final int MIN_IHL = 5;
    /** A header without options: {@link #MIN_IHL} words. */
    public static final int MIN_HEADER_LENGTH = MIN_IHL * 4;
    /** RFC 791 §3.1 "Total Length" is 16 bits. */
    public static final int MAX_TOTAL_LENGTH = 0xFFFF;
    /** RFC 791 §3.2 "Every internet module must be able to forward a datagram of 68 octets". */
    public static final int MIN_MTU = 68;

    // RFC 791 §3.1 field offsets.
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TYPE_OF_SERVICE_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int IDENTIFICATION_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET_OFFSET = 6;
    public static final int TIME_TO_LIVE_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int HEADER_CHECKSUM_OFFSET = 10;
    public static final int SOURCE_ADDRESS_OFFSET = 12;
    public static final int DESTINATION_ADDRESS_OFFSET = 16;

    /** RFC 791 §3.1 "Flags" bit 1: Don't Fragment. */
    public static final int FLAG_DF = 0x4000;
    /** RFC 791 §3.1 "Flags" bit 2: More Fragments. */
    public static final int FLAG_MF = 0x2000;
    /** RFC 791 §3.1 "Fragment Offset": the low 13 bits, in units of 8 octets. */
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    // "Protocol" values (RFC 790 Assigned Numbers, now the IANA registry).
    public static final int PROTOCOL_ICMP = 1;
    public static final int PROTOCOL_TCP = 6;
    public static final int PROTOCOL_UDP = 17;
    public static final int PROTOCOL_ESP = 50;

    private Ipv4Header() {
    }

    /**
     * True when {@code available} bytes at {@code ip} hold a whole IPv4 datagram: version 4, IHL at
     * least 5, header no longer than the total length, total length no longer than what is there.
     * Bytes past the total length (link padding) are tolerated and ignored.
     */
    public static boolean isWellFormed(ByteBuf buf, int ip, int available) {
        if (available < MIN_HEADER_LENGTH || version(buf, ip) != VERSION
                || ihl(buf, ip) < MIN_IHL) {
            return false;
        }
        int totalLength = totalLength(buf, ip);
        return headerLength(buf, ip) <= totalLength && totalLength <= available;
    }

    public static int version(ByteBuf buf, int ip) {
        return buf.getUnsignedByte(ip + VERSION_IHL_OFFSET) >>> 4;
    }

    /** Internet Header Length in 32-bit words. */
    public static int ihl(ByteBuf buf, int ip) {
        return buf.getUnsignedByte(ip + VERSION_IHL_OFFSET) & 0x0F;
    }

    /** Header length in bytes, options included. */
    public static int headerLength(ByteBuf buf, int ip) {
        return ihl(buf, ip) * 4;
    }

    public static int totalLength(ByteBuf buf, int ip) {
        return buf.getUnsignedShort(ip + TOTAL_LENGTH_OFFSET);
    }

    public static int identification(ByteBuf buf, int ip) {
        return buf.getUnsignedShort(ip + IDENTIFICATION_OFFSET);
    }

    public static boolean dontFragment(ByteBuf buf, int ip) {
        return (buf.getUnsignedShort(ip + FLAGS_FRAGMENT_OFFSET_OFFSET) & FLAG_DF) != 0;
    }

    public static boolean moreFragments(ByteBuf buf, int ip) {
        return (buf.getUnsignedShort(ip + FLAGS_FRAGMENT_OFFSET_OFFSET) & FLAG_MF) != 0;
    }

    /** Fragment offset in units of 8 octets; 0 for an unfragmented datagram or a first fragment. */
    public static int fragmentOffset(ByteBuf buf, int ip) {
        return buf.getUnsignedShort(ip + FLAGS_FRAGMENT_OFFSET_OFFSET) & FRAGMENT_OFFSET_MASK;
    }

    /** Only the first fragment (or an unfragmented datagram) carries the transport header. */
    public static boolean carriesTransportHeader(ByteBuf buf, int ip) {
        return fragmentOffset(buf, ip) == 0;
    }

    public static int timeToLive(ByteBuf buf, int ip) {
        return buf.getUnsignedByte(ip + TIME_TO_LIVE_OFFSET);
    }

    public static int protocol(ByteBuf buf, int ip) {
        return buf.getUnsignedByte(ip + PROTOCOL_OFFSET);
    }

    public static int headerChecksum(ByteBuf buf, int ip) {
        return buf.getUnsignedShort(ip + HEADER_CHECKSUM_OFFSET);
    }

    public static void setHeaderChecksum(ByteBuf buf, int ip, int checksum) {
        buf.setShort(ip + HEADER_CHECKSUM_OFFSET, checksum);
    }

    /** Recomputes the header checksum from scratch (RFC 791 §3.1 "Header Checksum"). */
    public static void fillHeaderChecksum(ByteBuf buf, int ip) {
        setHeaderChecksum(buf, ip, 0);
        setHeaderChecksum(buf, ip, InternetChecksum.compute(buf, ip, headerLength(buf, ip)));
    }

    /**
     * The unfolded sum of the pseudo-header TCP (RFC 793 §3.1) and UDP (RFC 768) checksums cover
     * for the datagram at {@code ip}: source and destination address, {@code protocol}, and
     * {@code transportLength} (transport header plus data).
     */
    public static long pseudoHeaderSum(ByteBuf buf, int ip, int protocol, int transportLength) {
        return buf.getUnsignedInt(ip + SOURCE_ADDRESS_OFFSET) + buf.getUnsignedInt(ip + DESTINATION_ADDRESS_OFFSET)
                + protocol + transportLength;
    }

    public static int sourceAddress(ByteBuf buf, int ip) {
        return buf.getInt(ip + SOURCE_ADDRESS_OFFSET);
    }

    public static int destinationAddress(ByteBuf buf, int ip) {
        return buf.getInt(ip + DESTINATION_ADDRESS_OFFSET);
    }
}
