package espgw.linux.raw;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/** Outer IPv4 + fake ESP packets whose every byte follows from (spi, sequence, length). */
final class EspTestPackets {
    static final int ESP_HEADER_LENGTH = 8;
    private static final int IPV4_VERSION_IHL = 0x45;
    private static final int TTL = 64;
    private static final int IPPROTO_ESP = 50;

    private EspTestPackets() {
    }

    static int address(int a, int b, int c, int d) {
        return a << 24 | b << 16 | c << 8 | d;
    }

    /** SPI, sequence number, then a unique marker and a pattern up to {@code espLength} bytes. */
    static byte[] esp(int spi, int sequence, int espLength) {
        byte[] esp = new byte[espLength];
        writeInt(esp, 0, spi);
        writeInt(esp, 4, sequence);
        byte[] marker = ("espgw-marker-" + spi + "-" + sequence + ";").getBytes(StandardCharsets.US_ASCII);
        for (int i = ESP_HEADER_LENGTH; i < espLength; i++) {
            int at = i - ESP_HEADER_LENGTH;
            esp[i] = at < marker.length ? marker[at] : (byte) (sequence * 31 + i);
        }
        return esp;
    }

    /**
     * A direct buffer holding a 20-byte IPv4 header and {@code esp}. Checksum and id stay zero: with
     * IP_HDRINCL the kernel fills them in.
     */
    static ByteBuf packet(ByteBufAllocator allocator, int source, int destination, byte[] esp) {
        int totalLength = EspDatagrams.IPV4_MIN_HEADER_LENGTH + esp.length;
        ByteBuf packet = allocator.directBuffer(totalLength);
        packet.writeByte(IPV4_VERSION_IHL)
                .writeByte(0)
                .writeShort(totalLength)
                .writeShort(0)
                .writeShort(0)
                .writeByte(TTL)
                .writeByte(IPPROTO_ESP)
                .writeShort(0)
                .writeInt(source)
                .writeInt(destination)
                .writeBytes(esp);
        return packet;
    }

    private static void writeInt(byte[] into, int at, int value) {
        into[at] = (byte) (value >>> 24);
        into[at + 1] = (byte) (value >>> 16);
        into[at + 2] = (byte) (value >>> 8);
        into[at + 3] = (byte) value;
    }
}
