package espgw.offload;

import espgw.wire.Ipv4Header;
import espgw.wire.ReferenceChecksum;
import espgw.wire.TestDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * TCP/IPv4 packets and TUN frames for the offload tests, built byte by byte with every checksum
 * from {@link ReferenceChecksum}, independent of the code under test.
 */
final class OffloadPackets {
    static final int CLIENT = 0x0A000001;
    static final int SERVER = 0x0A000002;
    static final int ACK_NUMBER = 0x0A0B0C0D;
    static final int WINDOW = 502;
    /** NOP, NOP, timestamps (RFC 7323 §3): 12 bytes, as Linux sends on every segment. */
    static final byte[] TIMESTAMPS = {1, 1, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0x56, 0x78};

    private OffloadPackets() {
    }

    /** A TCP segment 40000 → 443 with the given fields; IPv4 DF, TTL 64, all checksums right. */
    static TestDatagram tcp(int identification, int sequence, int flags, byte[] options, byte[] data) {
        ByteBuffer segment = ByteBuffer.allocate(20 + options.length + data.length);
        segment.putShort((short) 40000).putShort((short) 443).putInt(sequence).putInt(ACK_NUMBER)
                .put((byte) ((20 + options.length) / 4 << 4)).put((byte) flags).putShort((short) WINDOW)
                .putShort((short) 0).putShort((short) 0).put(options).put(data);
        TestDatagram packet = new TestDatagram(Ipv4Header.PROTOCOL_TCP, CLIENT, SERVER, segment.array());
        packet.identification = identification;
        packet.dontFragment = true;
        return packet;
    }

    /** {@code length} bytes that differ from position to position, so a misplaced slice shows. */
    static byte[] data(int length) {
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (i * 7 + i / 251);
        }
        return data;
    }

    static byte[] slice(byte[] data, int from, int to) {
        return Arrays.copyOfRange(data, from, to);
    }

    /** A TUN frame: struct virtio_net_hdr (little-endian) followed by {@code packet}, in a pooled direct buffer. */
    static ByteBuf frame(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset,
            byte[] packet) {
        ByteBuffer header = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        header.put((byte) flags).put((byte) gsoType).putShort((short) hdrLen).putShort((short) gsoSize)
                .putShort((short) csumStart).putShort((short) csumOffset);
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(10 + packet.length);
        frame.writeBytes(header.array()).writeBytes(packet);
        return frame;
    }

    /** The packet with its transport checksum replaced by the folded pseudo-header sum (CHECKSUM_PARTIAL). */
    static byte[] withPartialChecksum(byte[] packet, int checksumOffset) {
        byte[] partial = packet.clone();
        int headerLength = (partial[0] & 0x0F) * 4;
        int source = ByteBuffer.wrap(partial, 12, 4).getInt();
        int destination = ByteBuffer.wrap(partial, 16, 4).getInt();
        int sum = ReferenceChecksum.pseudoHeaderSum(source, destination, partial[9] & 0xFF,
                partial.length - headerLength);
        partial[headerLength + checksumOffset] = (byte) (sum >>> 8);
        partial[headerLength + checksumOffset + 1] = (byte) sum;
        return partial;
    }

    /** The packet with a 16-bit field overwritten, e.g. a checksum spoiled. */
    static byte[] withShort(byte[] packet, int offset, int value) {
        byte[] changed = packet.clone();
        changed[offset] = (byte) (value >>> 8);
        changed[offset + 1] = (byte) value;
        return changed;
    }
}
