package espgw.offload;

import espgw.linux.tun.VirtioNetHeader;
import espgw.wire.Ipv4Header;
import espgw.wire.TcpHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * The rules by which TCP/IPv4 segments may be merged into one super-packet, the kernel's GRO rules
 * (tcp_gro_receive, inet_gro_receive), on packets whose IPv4 header starts at the reader index:
 * a candidate is a whole, unfragmented, DF datagram without IP options carrying a TCP segment with
 * data and no control bit but ACK (and PSH, which ends a super-packet). A segment follows another
 * of its flow if its sequence number continues it, every header field the super-packet keeps only
 * once is equal (TOS, TTL, acknowledgment number, window, TCP options byte for byte), and it is no
 * longer than the first.
 */
enum TcpCoalescing implements Coalescing {
    RULES;

    /** IPv4 header without options: the only kind a candidate has. */
    private static final int IP_HEADER_LENGTH = Ipv4Header.MIN_HEADER_LENGTH;
    /** Flags and Fragment Offset of a datagram that is whole and may not be fragmented. */
    private static final int DONT_FRAGMENT_ONLY = Ipv4Header.FLAG_DF;

    @Override
    public int protocol() {
        return Ipv4Header.PROTOCOL_TCP;
    }

    /** See the class comment. */
    @Override
    public boolean isCandidate(ByteBuf packet) {
        int ip = packet.readerIndex();
        if (Ipv4Header.ihl(packet, ip) != Ipv4Header.MIN_IHL || Ipv4Header.totalLength(packet, ip) != packet.readableBytes()
                || packet.getUnsignedShort(ip + Ipv4Header.FLAGS_FRAGMENT_OFFSET_OFFSET) != DONT_FRAGMENT_ONLY
                || packet.readableBytes() < IP_HEADER_LENGTH + TcpHeader.MIN_HEADER_LENGTH) {
            return false;
        }
        int tcp = ip + IP_HEADER_LENGTH;
        int tcpHeaderLength = TcpHeader.headerLength(packet, tcp);
        int flags = TcpHeader.flags(packet, tcp);
        return tcpHeaderLength >= TcpHeader.MIN_HEADER_LENGTH
                && IP_HEADER_LENGTH + tcpHeaderLength < packet.readableBytes()
                && (flags == TcpHeader.ACK || flags == (TcpHeader.ACK | TcpHeader.PSH));
    }

    @Override
    public int headerLength(ByteBuf candidate) {
        return IP_HEADER_LENGTH + TcpHeader.headerLength(candidate, candidate.readerIndex() + IP_HEADER_LENGTH);
    }

    /** PSH. */
    @Override
    public boolean ends(ByteBuf candidate) {
        return (TcpHeader.flags(candidate, candidate.readerIndex() + IP_HEADER_LENGTH) & TcpHeader.PSH) != 0;
    }

    @Override
    public boolean canFollow(ByteBuf head, ByteBuf tail, ByteBuf next) {
        int headIp = head.readerIndex();
        int nextIp = next.readerIndex();
        int headTcp = headIp + IP_HEADER_LENGTH;
        int nextTcp = nextIp + IP_HEADER_LENGTH;
        int tcpHeaderLength = TcpHeader.headerLength(head, headTcp);
        int optionsLength = tcpHeaderLength - TcpHeader.MIN_HEADER_LENGTH;
        return TcpHeader.sequenceNumber(next, nextTcp)
                        == TcpHeader.sequenceNumber(tail, tail.readerIndex() + IP_HEADER_LENGTH) + payloadLength(tail)
                && payloadLength(next) <= payloadLength(head)
                && head.getUnsignedByte(headIp + Ipv4Header.TYPE_OF_SERVICE_OFFSET)
                        == next.getUnsignedByte(nextIp + Ipv4Header.TYPE_OF_SERVICE_OFFSET)
                && Ipv4Header.timeToLive(head, headIp) == Ipv4Header.timeToLive(next, nextIp)
                && TcpHeader.acknowledgmentNumber(head, headTcp) == TcpHeader.acknowledgmentNumber(next, nextTcp)
                && TcpHeader.window(head, headTcp) == TcpHeader.window(next, nextTcp)
                && TcpHeader.headerLength(next, nextTcp) == tcpHeaderLength
                && ByteBufUtil.equals(head, headTcp + TcpHeader.MIN_HEADER_LENGTH,
                        next, nextTcp + TcpHeader.MIN_HEADER_LENGTH, optionsLength);
    }

    /**
     * PSH if the last segment had it, a partial TCP checksum, and the IPv4 and virtio header parts
     * as {@link Coalescing#finishIpv4AndFrame} writes them (VIRTIO_NET_HDR_GSO_TCPV4).
     */
    @Override
    public void finishSuperPacket(ByteBuf superPacket, int gsoSize, boolean push) {
        int ip = superPacket.readerIndex();
        int tcp = ip + IP_HEADER_LENGTH;
        if (push) {
            TcpHeader.setFlags(superPacket, tcp, TcpHeader.flags(superPacket, tcp) | TcpHeader.PSH);
        }
        TcpHeader.setPartialChecksum(superPacket, ip, tcp, superPacket.readableBytes() - IP_HEADER_LENGTH);
        Coalescing.finishIpv4AndFrame(superPacket, VirtioNetHeader.VIRTIO_NET_HDR_GSO_TCPV4, headerLength(superPacket),
                gsoSize, TcpHeader.CHECKSUM_OFFSET);
    }
}
