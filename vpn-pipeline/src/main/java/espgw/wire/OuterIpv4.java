package espgw.wire;

import io.netty.buffer.ByteBuf;

/**
 * The outer IPv4 header of an ESP tunnel-mode packet (RFC 4303 §3.1.2, header built as RFC 791
 * §3.1). Outbound, {@link #prepend} writes a 20-byte header into the headroom in front of the ESP
 * packet, so the packet never moves. Inbound, {@link #isValidEsp} and {@link #strip} check and
 * remove the header a raw {@code IPPROTO_ESP} socket delivers.
 *
 * <p>An instance owns the Identification counter and is confined to one event loop.
 */
public final class OuterIpv4 {
    /** RFC 1700 / IANA default TTL; the outer packet is a fresh datagram. */
    public static final int DEFAULT_TIME_TO_LIVE = 64;
    private static final int VERSION_IHL = Ipv4Header.VERSION << 4 | Ipv4Header.MIN_IHL;

    private final boolean dontFragment;
    private int identification;

    /**
     * @param dontFragment set DF on every outer packet (path MTU discovery for the tunnel; RFC 6864
     *     §4.1 then lets the Identification be any value, a counter is still used)
     */
    public OuterIpv4(boolean dontFragment) {
        this.dontFragment = dontFragment;
    }

    /**
     * Writes the outer header in front of the ESP packet at {@code packet}'s reader index and moves
     * the reader index back over it.
     *
     * @throws IllegalArgumentException if there are fewer than 20 bytes of headroom or the result
     *     would exceed 65535 bytes: the buffer was sized wrongly, a bug, not a bad packet
     */
    public void prepend(ByteBuf packet, int sourceAddress, int destinationAddress) {
        int ip = packet.readerIndex() - Ipv4Header.MIN_HEADER_LENGTH;
        int totalLength = packet.readableBytes() + Ipv4Header.MIN_HEADER_LENGTH;
        if (ip < 0) {
            throw new IllegalArgumentException("need " + Ipv4Header.MIN_HEADER_LENGTH
                    + " bytes of headroom for the outer IPv4 header, have " + packet.readerIndex());
        }
        if (totalLength > Ipv4Header.MAX_TOTAL_LENGTH) {
            throw new IllegalArgumentException("outer IPv4 datagram of " + totalLength + " bytes");
        }
        packet.setByte(ip + Ipv4Header.VERSION_IHL_OFFSET, VERSION_IHL);
        packet.setByte(ip + Ipv4Header.TYPE_OF_SERVICE_OFFSET, 0);
        packet.setShort(ip + Ipv4Header.TOTAL_LENGTH_OFFSET, totalLength);
        packet.setShort(ip + Ipv4Header.IDENTIFICATION_OFFSET, identification++);
        packet.setShort(ip + Ipv4Header.FLAGS_FRAGMENT_OFFSET_OFFSET,
                dontFragment ? Ipv4Header.FLAG_DF : 0);
        packet.setByte(ip + Ipv4Header.TIME_TO_LIVE_OFFSET, DEFAULT_TIME_TO_LIVE);
        packet.setByte(ip + Ipv4Header.PROTOCOL_OFFSET, Ipv4Header.PROTOCOL_ESP);
        packet.setInt(ip + Ipv4Header.SOURCE_ADDRESS_OFFSET, sourceAddress);
        packet.setInt(ip + Ipv4Header.DESTINATION_ADDRESS_OFFSET, destinationAddress);
        Ipv4Header.fillHeaderChecksum(packet, ip);
        packet.readerIndex(ip);
    }

    /**
     * True when the readable bytes start with a well-formed IPv4 header carrying protocol 50 (ESP)
     * and hold the whole datagram. Fragments never reach here: the kernel reassembles before a raw
     * socket sees the datagram, and it has verified the header checksum already.
     */
    public static boolean isValidEsp(ByteBuf packet) {
        int ip = packet.readerIndex();
        return Ipv4Header.isWellFormed(packet, ip, packet.readableBytes())
                && Ipv4Header.protocol(packet, ip) == Ipv4Header.PROTOCOL_ESP;
    }

    /**
     * Skips a header that passed {@link #isValidEsp} (options included), trims anything past its
     * Total Length, and returns its source address: the peer the ESP packet came from.
     */
    public static int strip(ByteBuf packet) {
        int ip = packet.readerIndex();
        int source = Ipv4Header.sourceAddress(packet, ip);
        packet.writerIndex(ip + Ipv4Header.totalLength(packet, ip));
        packet.readerIndex(ip + Ipv4Header.headerLength(packet, ip));
        return source;
    }
}
