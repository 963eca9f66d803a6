package espgw.offload;

import espgw.linux.tun.VirtioNetHeader;
import espgw.wire.InternetChecksum;
import espgw.wire.Ipv4Header;
import io.netty.buffer.ByteBuf;

/**
 * The rules by which the packets of one transport protocol may be merged into a super-packet the
 * kernel cuts up again: when packets are of one flow, which may join, and how the super-packet is
 * finished. Packets are IPv4 datagrams starting at the reader index. No state, no I/O.
 */
interface Coalescing {
    /** TCP (RFC 793 §3.1) and UDP (RFC 768) headers both begin with source and destination port. */
    int PORT_PAIR_LENGTH = 4;

    /**
     * The rules for {@code packet}'s protocol when it is a well-formed first fragment carrying the
     * port pair to tell its flow by, else null: TCP always, UDP only when {@code udp} (the TUN takes
     * UDP super-packets). The IPv4 header is checked once, whatever the protocol.
     */
    static Coalescing of(ByteBuf packet, boolean udp) {
        int ip = packet.readerIndex();
        if (!Ipv4Header.isWellFormed(packet, ip, packet.readableBytes()) || !Ipv4Header.carriesTransportHeader(packet, ip)
                || Ipv4Header.headerLength(packet, ip) + PORT_PAIR_LENGTH > Ipv4Header.totalLength(packet, ip)) {
            return null;
        }
        int protocol = Ipv4Header.protocol(packet, ip);
        if (protocol == Ipv4Header.PROTOCOL_TCP) {
            return TcpCoalescing.RULES;
        }
        return udp && protocol == Ipv4Header.PROTOCOL_UDP ? UdpCoalescing.RULES : null;
    }

    /** The IPv4 Protocol these rules are for. */
    int protocol();

    /** Same addresses and port pair; both packets must have these rules by {@link #of}. */
    default boolean sameFlow(ByteBuf a, ByteBuf b) {
        int ipA = a.readerIndex();
        int ipB = b.readerIndex();
        return Ipv4Header.sourceAddress(a, ipA) == Ipv4Header.sourceAddress(b, ipB)
                && Ipv4Header.destinationAddress(a, ipA) == Ipv4Header.destinationAddress(b, ipB)
                && a.getInt(ipA + Ipv4Header.headerLength(a, ipA)) == b.getInt(ipB + Ipv4Header.headerLength(b, ipB));
    }

    /** Whether the packet (which has these rules by {@link #of}) may be merged at all. */
    boolean isCandidate(ByteBuf packet);

    /** IPv4 and transport header length of a candidate: what the super-packet keeps once. */
    int headerLength(ByteBuf candidate);

    default int payloadLength(ByteBuf candidate) {
        return candidate.readableBytes() - headerLength(candidate);
    }

    /** Whether nothing may follow this candidate in its super-packet (TCP's PSH). */
    boolean ends(ByteBuf candidate);

    /**
     * Whether candidate {@code next} of the same flow can be appended behind {@code tail}, the last
     * packet of a super-packet that starts with {@code head}. Checksums are checked separately.
     */
    boolean canFollow(ByteBuf head, ByteBuf tail, ByteBuf next);

    /**
     * Whether the candidate's IPv4 header and transport checksums verify (a candidate has no IP
     * options). The super-packet goes to the kernel with a partial checksum it completes rather
     * than checks, so this is where a damaged packet must be caught.
     */
    default boolean checksumsValid(ByteBuf candidate) {
        int ip = candidate.readerIndex();
        int transport = ip + Ipv4Header.MIN_HEADER_LENGTH;
        int transportLength = candidate.readableBytes() - Ipv4Header.MIN_HEADER_LENGTH;
        long pseudoHeader = Ipv4Header.pseudoHeaderSum(candidate, ip, protocol(), transportLength);
        return InternetChecksum.compute(candidate, ip, Ipv4Header.MIN_HEADER_LENGTH) == 0
                && InternetChecksum.fold(InternetChecksum.sum(candidate, transport, transportLength, pseudoHeader)) == 0xFFFF;
    }

    /**
     * Makes the readable bytes of {@code superPacket} (the head's headers followed by the payload
     * of every packet merged, with {@code VirtioNetHeader.LENGTH} bytes of room in front) one valid
     * super-packet of {@code gsoSize}-byte payloads, the virtio header in front; {@code ended} says
     * whether its last packet {@link #ends} it.
     */
    void finishSuperPacket(ByteBuf superPacket, int gsoSize, boolean ended);

    /**
     * The parts every super-packet finishes alike: IPv4 Total Length and header checksum, and in
     * front the header that tells the kernel to cut it into {@code gsoSize}-byte payloads again
     * wherever it must ({@code gsoType}) and to complete the transport checksum, whose field is
     * {@code checksumOffset} bytes into the transport header (NEEDS_CSUM). The IPv4 header has no
     * options; the transport header's partial checksum must be in place.
     */
    static void finishIpv4AndFrame(ByteBuf superPacket, int gsoType, int headerLength, int gsoSize,
            int checksumOffset) {
        int ip = superPacket.readerIndex();
        superPacket.setShort(ip + Ipv4Header.TOTAL_LENGTH_OFFSET, superPacket.readableBytes());
        Ipv4Header.fillHeaderChecksum(superPacket, ip);
        int header = ip - VirtioNetHeader.LENGTH;
        VirtioNetHeader.set(superPacket, header, VirtioNetHeader.VIRTIO_NET_HDR_F_NEEDS_CSUM, gsoType, headerLength,
                gsoSize, Ipv4Header.MIN_HEADER_LENGTH, checksumOffset);
        superPacket.readerIndex(header);
    }
}
