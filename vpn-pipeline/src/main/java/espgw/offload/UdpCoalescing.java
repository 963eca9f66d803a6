package espgw.offload;

import espgw.linux.tun.VirtioNetHeader;
import espgw.wire.Ipv4Header;
import espgw.wire.UdpHeader;
import io.netty.buffer.ByteBuf;

/**
 * The rules by which UDP/IPv4 datagrams may be merged into one super-packet the kernel cuts into
 * datagrams again (UDP segmentation offload, {@code __udp_gso_segment}): a candidate is a whole,
 * unfragmented datagram without IP options, with data and a checksum. A datagram follows another
 * of its flow if the IPv4 fields the super-packet keeps only once are equal (TOS, TTL, flags) and
 * it is no longer than the first. Since every datagram but the last of a super-packet comes out
 * gso_size long, a shorter one ends it, so each datagram keeps its length and its boundaries.
 * The kernel numbers the IPv4 Identification of the datagrams it cuts from the first one's.
 */
enum UdpCoalescing implements Coalescing {
    RULES;

    /** IPv4 header without options: the only kind a candidate has. */
    private static final int IP_HEADER_LENGTH = Ipv4Header.MIN_HEADER_LENGTH;
    private static final int HEADER_LENGTH = IP_HEADER_LENGTH + UdpHeader.HEADER_LENGTH;

    @Override
    public int protocol() {
        return Ipv4Header.PROTOCOL_UDP;
    }

    /** See the class comment. A datagram sent without checksum is left alone: the kernel would add one. */
    @Override
    public boolean isCandidate(ByteBuf packet) {
        int ip = packet.readerIndex();
        int length = packet.readableBytes();
        if (Ipv4Header.ihl(packet, ip) != Ipv4Header.MIN_IHL || Ipv4Header.totalLength(packet, ip) != length
                || Ipv4Header.moreFragments(packet, ip) || Ipv4Header.fragmentOffset(packet, ip) != 0
                || length <= HEADER_LENGTH) {
            return false;
        }
        int udp = ip + IP_HEADER_LENGTH;
        return UdpHeader.length(packet, udp) == length - IP_HEADER_LENGTH
                && UdpHeader.checksum(packet, udp) != UdpHeader.NO_CHECKSUM;
    }

    @Override
    public int headerLength(ByteBuf candidate) {
        return HEADER_LENGTH;
    }

    /** Only a shorter datagram ends a UDP super-packet, and the batch sees to that. */
    @Override
    public boolean ends(ByteBuf candidate) {
        return false;
    }

    @Override
    public boolean canFollow(ByteBuf head, ByteBuf tail, ByteBuf next) {
        int headIp = head.readerIndex();
        int nextIp = next.readerIndex();
        return payloadLength(next) <= payloadLength(head)
                && head.getUnsignedByte(headIp + Ipv4Header.TYPE_OF_SERVICE_OFFSET)
                        == next.getUnsignedByte(nextIp + Ipv4Header.TYPE_OF_SERVICE_OFFSET)
                && Ipv4Header.timeToLive(head, headIp) == Ipv4Header.timeToLive(next, nextIp)
                && Ipv4Header.dontFragment(head, headIp) == Ipv4Header.dontFragment(next, nextIp);
    }

    /**
     * UDP Length of the whole, a partial UDP checksum over it (the kernel adjusts both per
     * datagram), and the IPv4 and virtio header parts as {@link Coalescing#finishIpv4AndFrame}
     * writes them (VIRTIO_NET_HDR_GSO_UDP_L4).
     */
    @Override
    public void finishSuperPacket(ByteBuf superPacket, int gsoSize, boolean ended) {
        int ip = superPacket.readerIndex();
        int udp = ip + IP_HEADER_LENGTH;
        int udpLength = superPacket.readableBytes() - IP_HEADER_LENGTH;
        UdpHeader.setLength(superPacket, udp, udpLength);
        UdpHeader.setPartialChecksum(superPacket, ip, udp, udpLength);
        Coalescing.finishIpv4AndFrame(superPacket, VirtioNetHeader.VIRTIO_NET_HDR_GSO_UDP_L4, HEADER_LENGTH, gsoSize,
                UdpHeader.CHECKSUM_OFFSET);
    }
}
