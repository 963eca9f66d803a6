package espgw.offload;

import espgw.wire.Ipv4Header;
import espgw.wire.TcpHeader;
import io.netty.buffer.ByteBuf;

/**
 * Cuts a TCP/IPv4 super-packet into the segments the sender's TCP meant, as the kernel's software
 * segmentation (tcp_gso_segment) would: each segment carries a copy of the headers and the next
 * {@code gso_size} payload bytes (the last one what is left), and gets its own IPv4 Total Length,
 * Identification (+1 per segment, RFC 791 §3.1), header checksum, TCP Sequence Number
 * (+gso_size per segment, RFC 793 §3.3) and full TCP checksum. Control bits that belong to one
 * end of the data stay there: CWR only on the first segment (RFC 3168 §6.1.2: once per window),
 * FIN and PSH only on the last. No state, no I/O.
 */
final class TcpSegmentation {
    private TcpSegmentation() {
    }

    /** How many segments {@code payloadLength} bytes make at {@code gsoSize} per segment; at least one. */
    static int segmentCount(int payloadLength, int gsoSize) {
        return Math.max(1, (payloadLength + gsoSize - 1) / gsoSize);
    }

    /**
     * Appends segment {@code index} of {@code count} of the super-packet at {@code ip} (whose IPv4
     * and TCP headers take {@code headerLength} bytes) to {@code out} at its writer index.
     */
    static void writeSegment(ByteBuf superPacket, int ip, int headerLength, int gsoSize, int index, int count,
            ByteBuf out) {
        boolean last = index == count - 1;
        int payload = ip + headerLength + index * gsoSize;
        int payloadLength = last ? ip + Ipv4Header.totalLength(superPacket, ip) - payload : gsoSize;
        int segmentLength = headerLength + payloadLength;
        int at = out.writerIndex();
        out.writeBytes(superPacket, ip, headerLength);
        out.writeBytes(superPacket, payload, payloadLength);

        out.setShort(at + Ipv4Header.TOTAL_LENGTH_OFFSET, segmentLength);
        out.setShort(at + Ipv4Header.IDENTIFICATION_OFFSET, Ipv4Header.identification(superPacket, ip) + index);
        Ipv4Header.fillHeaderChecksum(out, at);

        int ipHeaderLength = Ipv4Header.headerLength(superPacket, ip);
        int tcp = at + ipHeaderLength;
        TcpHeader.setSequenceNumber(out, tcp, TcpHeader.sequenceNumber(out, tcp) + index * gsoSize);
        int flags = TcpHeader.flags(out, tcp);
        if (index > 0) {
            flags &= ~TcpHeader.CWR;
        }
        if (!last) {
            flags &= ~(TcpHeader.FIN | TcpHeader.PSH);
        }
        TcpHeader.setFlags(out, tcp, flags);
        TcpHeader.fillChecksum(out, at, tcp, segmentLength - ipHeaderLength);
    }
}
