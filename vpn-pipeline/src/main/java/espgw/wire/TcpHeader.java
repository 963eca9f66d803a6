package espgw.wire;

import io.netty.buffer.ByteBuf;

/**
 * The TCP header (RFC 793 §3.1) at an offset in a {@link ByteBuf}: the fields espgw fixes checksums
 * in, cuts super-packets by and coalesces segments by. Static accessors, no object per packet.
 */
public final class TcpHeader {
    /** RFC 793 §3.1 "Data Offset": at least 5 32-bit words. */
    public static final int MIN_HEADER_LENGTH = 20;

    // RFC 793 §3.1 field offsets.
    public static final int SOURCE_PORT_OFFSET = 0;
    public static final int SEQUENCE_NUMBER_OFFSET = 4;
    public static final int ACKNOWLEDGMENT_NUMBER_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    /** The control bits: RFC 793 §3.1's six, and RFC 3168 §6.1's ECE and CWR above them. */
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    /** RFC 793 §3.1 "Checksum": covers the pseudo-header, so address changes update it. */
    public static final int CHECKSUM_OFFSET = 16;

    // RFC 793 §3.1 "Control Bits".
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    // RFC 3168 §6.1: ECN-Echo and Congestion Window Reduced.
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    private TcpHeader() {
    }

    /** Source and destination port as one int: half of a flow's identity. */
    public static int ports(ByteBuf buf, int tcp) {
        return buf.getInt(tcp + SOURCE_PORT_OFFSET);
    }

    /** Sequence numbers are modulo 2^32 (RFC 793 §3.3): compare them by int arithmetic. */
    public static int sequenceNumber(ByteBuf buf, int tcp) {
        return buf.getInt(tcp + SEQUENCE_NUMBER_OFFSET);
    }

    public static void setSequenceNumber(ByteBuf buf, int tcp, int sequenceNumber) {
        buf.setInt(tcp + SEQUENCE_NUMBER_OFFSET, sequenceNumber);
    }

    public static int acknowledgmentNumber(ByteBuf buf, int tcp) {
        return buf.getInt(tcp + ACKNOWLEDGMENT_NUMBER_OFFSET);
    }

    /** Header length in bytes, options included ("Data Offset" counts 32-bit words). */
    public static int headerLength(ByteBuf buf, int tcp) {
        return (buf.getUnsignedByte(tcp + DATA_OFFSET_OFFSET) >>> 4) * 4;
    }

    public static int flags(ByteBuf buf, int tcp) {
        return buf.getUnsignedByte(tcp + FLAGS_OFFSET);
    }

    public static void setFlags(ByteBuf buf, int tcp, int flags) {
        buf.setByte(tcp + FLAGS_OFFSET, flags);
    }

    public static int window(ByteBuf buf, int tcp) {
        return buf.getUnsignedShort(tcp + WINDOW_OFFSET);
    }

    /** The unfolded pseudo-header sum (RFC 793 §3.1) of the segment in the IPv4 datagram at {@code ip}. */
    private static long pseudoHeaderSum(ByteBuf buf, int ip, int tcpLength) {
        return Ipv4Header.pseudoHeaderSum(buf, ip, Ipv4Header.PROTOCOL_TCP, tcpLength);
    }

    /** Computes the checksum of the segment at {@code tcp} from scratch and stores it. */
    public static void fillChecksum(ByteBuf buf, int ip, int tcp, int tcpLength) {
        buf.setShort(tcp + CHECKSUM_OFFSET, 0);
        long sum = InternetChecksum.sum(buf, tcp, tcpLength, pseudoHeaderSum(buf, ip, tcpLength));
        buf.setShort(tcp + CHECKSUM_OFFSET, InternetChecksum.finish(sum));
    }

    /**
     * Stores only the folded pseudo-header sum, not complemented, in the checksum field: the
     * "partial" checksum a receiver completes over header and data (the kernel's CHECKSUM_PARTIAL).
     */
    public static void setPartialChecksum(ByteBuf buf, int ip, int tcp, int tcpLength) {
        buf.setShort(tcp + CHECKSUM_OFFSET, InternetChecksum.fold(pseudoHeaderSum(buf, ip, tcpLength)));
    }
}
