package espgw.linux.tun;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Just enough IPv4 for the TUN tests, in place on a buffer whose packet starts at readerIndex.
 * Deliberately naive (full checksum recomputation), so it can serve as a reference.
 */
final class TestPackets {
    static final int IPPROTO_ICMP = 1;
    static final int IPPROTO_UDP = 17;
    private static final int ICMP_ECHO_REPLY = 0;
    private static final int ICMP_ECHO_REQUEST = 8;

    private TestPackets() {
    }

    static boolean isIpv4(ByteBuf packet, int protocol) {
        int at = packet.readerIndex();
        return packet.readableBytes() >= 20 && (packet.getByte(at) >> 4) == 4
                && packet.getUnsignedByte(at + 9) == protocol;
    }

    static boolean isIcmpEchoRequest(ByteBuf packet) {
        return isIpv4(packet, IPPROTO_ICMP) && packet.getUnsignedByte(packet.readerIndex() + headerLength(packet))
                == ICMP_ECHO_REQUEST;
    }

    /** Echo request -> echo reply: addresses swapped, ICMP type 0, both checksums recomputed. */
    static void turnIntoEchoReply(ByteBuf packet) {
        swapAddresses(packet);
        int at = packet.readerIndex();
        int icmp = at + headerLength(packet);
        packet.setByte(icmp, ICMP_ECHO_REPLY);
        packet.setShort(icmp + 2, 0);
        packet.setShort(icmp + 2, checksum(packet, icmp, packet.writerIndex() - icmp));
        packet.setShort(at + 10, 0);
        packet.setShort(at + 10, checksum(packet, at, headerLength(packet)));
    }

    /** UDP back to its sender: addresses and ports swapped, which keeps both checksums valid (sums commute). */
    static void reverseUdp(ByteBuf packet) {
        swapAddresses(packet);
        int udp = packet.readerIndex() + headerLength(packet);
        int sourcePort = packet.getUnsignedShort(udp);
        packet.setShort(udp, packet.getUnsignedShort(udp + 2));
        packet.setShort(udp + 2, sourcePort);
    }

    private static void swapAddresses(ByteBuf packet) {
        int at = packet.readerIndex();
        int source = packet.getInt(at + 12);
        packet.setInt(at + 12, packet.getInt(at + 16));
        packet.setInt(at + 16, source);
    }

    /** A UDP/IPv4 packet of {@code totalLength} bytes whose payload starts with {@code sequence}. */
    static ByteBuf udp(ByteBufAllocator alloc, int source, int destination, int totalLength, int sequence) {
        ByteBuf packet = alloc.directBuffer(totalLength);
        packet.writeByte(0x45).writeByte(0).writeShort(totalLength).writeInt(0)
                .writeByte(64).writeByte(IPPROTO_UDP).writeShort(0).writeInt(source).writeInt(destination);
        packet.setShort(10, checksum(packet, 0, 20));
        packet.writeShort(40000).writeShort(9).writeShort(totalLength - 20).writeShort(0); // UDP checksum 0: none
        packet.writeInt(sequence);
        packet.writeZero(totalLength - packet.writerIndex());
        return packet;
    }

    static int address(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    private static int headerLength(ByteBuf packet) {
        return (packet.getByte(packet.readerIndex()) & 0x0f) * 4;
    }

    /** RFC 1071 Internet checksum. */
    static int checksum(ByteBuf buf, int from, int length) {
        long sum = 0;
        int i = 0;
        for (; i + 1 < length; i += 2) {
            sum += buf.getUnsignedShort(from + i);
        }
        if (i < length) {
            sum += buf.getUnsignedByte(from + i) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
