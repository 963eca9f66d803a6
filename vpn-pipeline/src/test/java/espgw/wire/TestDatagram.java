package espgw.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Builds IPv4 datagrams as byte arrays with every checksum computed from scratch by
 * {@link ReferenceChecksum}, so a packet rewritten in place can be compared byte for byte with one
 * built directly with the new address; and checks every checksum of a datagram.
 */
public final class TestDatagram {
    /** Headroom in front of test packets, as the TUN read reserves it. */
    public static final int HEADROOM = 64;

    public int typeOfService;
    public int identification = 0x1234;
    public boolean dontFragment;
    public boolean moreFragments;
    public int fragmentOffset;
    public int timeToLive = 64;
    public int protocol;
    public int source;
    public int destination;
    public byte[] options = new byte[0];
    /** The transport segment, checksum field as given; filled in unless {@link #keepChecksum}. */
    public byte[] payload = new byte[0];
    /** Leave the transport checksum as it is in {@link #payload} (e.g. UDP checksum 0). */
    public boolean keepChecksum;

    public TestDatagram(int protocol, int source, int destination, byte[] payload) {
        this.protocol = protocol;
        this.source = source;
        this.destination = destination;
        this.payload = payload;
    }

    public static byte[] tcp(int sourcePort, int destinationPort, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(20 + data.length);
        b.putShort((short) sourcePort).putShort((short) destinationPort).putInt(0x01020304)
                .putInt(0x0A0B0C0D).put((byte) 0x50).put((byte) 0x18).putShort((short) 502)
                .putShort((short) 0).putShort((short) 0).put(data);
        return b.array();
    }

    public static byte[] udp(int sourcePort, int destinationPort, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.putShort((short) sourcePort).putShort((short) destinationPort)
                .putShort((short) (8 + data.length)).putShort((short) 0).put(data);
        return b.array();
    }

    public static byte[] icmpEcho(int id, int sequence, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + data.length);
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) id)
                .putShort((short) sequence).put(data);
        return b.array();
    }

    public static byte[] icmpError(int type, int code, byte[] quoted) {
        ByteBuffer b = ByteBuffer.allocate(8 + quoted.length);
        b.put((byte) type).put((byte) code).putShort((short) 0).putInt(0).put(quoted);
        return b.array();
    }

    public byte[] build() {
        int headerLength = 20 + options.length;
        int totalLength = headerLength + payload.length;
        byte[] packet = new byte[totalLength];
        ByteBuffer b = ByteBuffer.wrap(packet);
        b.put((byte) (0x40 | headerLength / 4)).put((byte) typeOfService).putShort((short) totalLength)
                .putShort((short) identification)
                .putShort((short) ((dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0)
                        | fragmentOffset))
                .put((byte) timeToLive).put((byte) protocol).putShort((short) 0)
                .putInt(source).putInt(destination).put(options).put(payload);
        int headerChecksum = ReferenceChecksum.checksum(packet, 0, headerLength);
        packet[10] = (byte) (headerChecksum >>> 8);
        packet[11] = (byte) headerChecksum;
        if (fragmentOffset == 0 && !keepChecksum) {
            fillTransportChecksum(packet, headerLength);
        }
        return packet;
    }

    private void fillTransportChecksum(byte[] packet, int l4) {
        int length = payload.length;
        int field;
        int sum;
        if (protocol == Ipv4Header.PROTOCOL_TCP && length >= 18) {
            field = l4 + 16;
            sum = ReferenceChecksum.pseudoHeaderSum(source, destination, protocol, length);
        } else if (protocol == Ipv4Header.PROTOCOL_UDP && length >= 8) {
            field = l4 + 6;
            sum = ReferenceChecksum.pseudoHeaderSum(source, destination, protocol, length);
        } else if (protocol == Ipv4Header.PROTOCOL_ICMP && length >= 4) {
            field = l4 + 2;
            sum = 0;
        } else {
            return;
        }
        packet[field] = 0;
        packet[field + 1] = 0;
        int checksum = ~ReferenceChecksum.sum(packet, l4, length, sum) & 0xFFFF;
        if (checksum == 0 && protocol == Ipv4Header.PROTOCOL_UDP) {
            checksum = 0xFFFF;
        }
        packet[field] = (byte) (checksum >>> 8);
        packet[field + 1] = (byte) checksum;
    }

    /**
     * Asserts every checksum of a datagram by full recomputation: the IPv4 header's; TCP, UDP
     * (unless 0) and ICMP of an unfragmented datagram; and for an ICMP error, the embedded header's
     * and, when the embedded datagram is complete, its transport checksum.
     */
    public static void assertChecksumsValid(byte[] packet) {
        assertChecksumsValid(packet, 0, packet.length, true);
    }

    private static void assertChecksumsValid(byte[] p, int ip, int available, boolean outer) {
        int headerLength = (p[ip] & 0x0F) * 4;
        check(ReferenceChecksum.sum(p, ip, headerLength, 0) == 0xFFFF, "IPv4 header checksum");
        int totalLength = (p[ip + 2] & 0xFF) << 8 | p[ip + 3] & 0xFF;
        int flagsOffset = (p[ip + 6] & 0xFF) << 8 | p[ip + 7] & 0xFF;
        if ((flagsOffset & 0x3FFF) != 0 || totalLength > available) {
            return;
        }
        int protocol = p[ip + 9] & 0xFF;
        int l4 = ip + headerLength;
        int length = totalLength - headerLength;
        int source = ByteBuffer.wrap(p, ip + 12, 4).getInt();
        int destination = ByteBuffer.wrap(p, ip + 16, 4).getInt();
        if (protocol == Ipv4Header.PROTOCOL_TCP
                || protocol == Ipv4Header.PROTOCOL_UDP && (p[l4 + 6] != 0 || p[l4 + 7] != 0)) {
            int sum = ReferenceChecksum.pseudoHeaderSum(source, destination, protocol, length);
            check(ReferenceChecksum.sum(p, l4, length, sum) == 0xFFFF, "TCP/UDP checksum");
        } else if (protocol == Ipv4Header.PROTOCOL_ICMP && outer) {
            check(ReferenceChecksum.sum(p, l4, length, 0) == 0xFFFF, "ICMP checksum");
            if (IcmpHeader.isError(p[l4] & 0xFF)) {
                assertChecksumsValid(p, l4 + 8, ip + totalLength - l4 - 8, false);
            }
        }
    }

    private static void check(boolean valid, String what) {
        if (!valid) {
            throw new AssertionError(what + " does not verify");
        }
    }

    /** A pooled direct buffer holding {@code packet} after {@link #HEADROOM} bytes of headroom. */
    public static ByteBuf buffer(byte[] packet) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(HEADROOM + packet.length);
        buf.writerIndex(HEADROOM).readerIndex(HEADROOM);
        buf.writeBytes(packet);
        return buf;
    }

    /** The readable bytes of {@code buf}, which is released. */
    public static byte[] bytesAndRelease(ByteBuf buf) {
        try {
            byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    public static byte[] truncate(byte[] packet, int length) {
        return Arrays.copyOf(packet, length);
    }
}
