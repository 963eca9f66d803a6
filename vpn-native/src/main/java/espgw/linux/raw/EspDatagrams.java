package espgw.linux.raw;

import io.netty.buffer.ByteBuf;

/**
 * The IPv4 header fields (RFC 791 §3.1) the raw ESP socket layer needs, read at fixed offsets from
 * a packet's reader index — no object per packet. The full IPv4 flyweight lives in the pipeline;
 * this is only what the channel itself and its first handler need: where ESP starts and who sent it.
 */
public final class EspDatagrams {
    /** An IPv4 header without options. */
    public static final int IPV4_MIN_HEADER_LENGTH = 20;

    private static final int TOTAL_LENGTH_OFFSET = 2;
    private static final int SOURCE_ADDRESS_OFFSET = 12;
    private static final int DESTINATION_ADDRESS_OFFSET = 16;
    private static final int IHL_MASK = 0x0f;
    private static final int IHL_UNIT_BYTES = 4;

    private EspDatagrams() {
    }

    /** The outer source address, e.g. 0xC0A84D01 for 192.168.77.1. */
    public static int sourceAddress(ByteBuf packet) {
        return packet.getInt(packet.readerIndex() + SOURCE_ADDRESS_OFFSET);
    }

    /** The outer destination address, where the channel sends the packet. */
    public static int destinationAddress(ByteBuf packet) {
        return packet.getInt(packet.readerIndex() + DESTINATION_ADDRESS_OFFSET);
    }

    /** Bytes from the reader index to the ESP header (the IHL field, options included). */
    public static int headerLength(ByteBuf packet) {
        return (packet.getByte(packet.readerIndex()) & IHL_MASK) * IHL_UNIT_BYTES;
    }

    /** The packet length the IPv4 header claims, header included. */
    public static int totalLength(ByteBuf packet) {
        return packet.getUnsignedShort(packet.readerIndex() + TOTAL_LENGTH_OFFSET);
    }
}
