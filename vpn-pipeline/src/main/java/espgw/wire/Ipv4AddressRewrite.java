package espgw.wire;

import static espgw.wire.InternetChecksum.update16;
import static espgw.wire.InternetChecksum.update32;

import io.netty.buffer.ByteBuf;

/**
 * Rewrites the source or destination address of an IPv4 datagram in place and fixes every
 * checksum the change touches, incrementally (RFC 1624):
 * <ul>
 *   <li>the IPv4 header checksum;</li>
 *   <li>the TCP or UDP checksum, which covers the addresses through the pseudo-header (RFC 793
 *       §3.1, RFC 768), only in the fragment that carries the transport header; a UDP checksum
 *       of 0 means "none" and stays 0;</li>
 *   <li>for an ICMP error (RFC 792), the embedded copy of the datagram it reports on. The error
 *       travels opposite to the datagram, so the embedded header holds the translated address in
 *       the other field: a rewritten destination is the embedded source and vice versa. It is
 *       rewritten when it equals the old outer address (the error concerns the same host), with
 *       the embedded header checksum, the embedded TCP/UDP checksum when those bytes are present,
 *       and the ICMP checksum, which covers all of them.</li>
 * </ul>
 * Callers check {@link #isRewritable} first; the rewrite itself does not validate.
 */
public final class Ipv4AddressRewrite {
    private static final int CHECKSUM_FIELD_LENGTH = 2;

    private Ipv4AddressRewrite() {
    }

    /**
     * True when the datagram is {@linkplain Ipv4Header#isWellFormed well formed} and every header
     * a rewrite would touch is present: the TCP checksum field and the UDP header in a first
     * fragment (a first fragment too short for them is the RFC 1858 tiny-fragment attack), and
     * for ICMP the ICMP header plus, for errors, a well-formed embedded IPv4 header.
     */
    public static boolean isRewritable(ByteBuf buf, int ip, int available) {
        if (!Ipv4Header.isWellFormed(buf, ip, available)) {
            return false;
        }
        if (!Ipv4Header.carriesTransportHeader(buf, ip)) {
            return true;
        }
        int end = ip + Ipv4Header.totalLength(buf, ip);
        int l4 = ip + Ipv4Header.headerLength(buf, ip);
        switch (Ipv4Header.protocol(buf, ip)) {
            case Ipv4Header.PROTOCOL_TCP:
                return l4 + TcpHeader.CHECKSUM_OFFSET + CHECKSUM_FIELD_LENGTH <= end;
            case Ipv4Header.PROTOCOL_UDP:
                return l4 + UdpHeader.HEADER_LENGTH <= end;
            case Ipv4Header.PROTOCOL_ICMP:
                return isRewritableIcmp(buf, l4, end);
            default:
                return true;
        }
    }

    private static boolean isRewritableIcmp(ByteBuf buf, int icmp, int end) {
        if (icmp + IcmpHeader.HEADER_LENGTH > end) {
            return false;
        }
        if (!IcmpHeader.isError(IcmpHeader.type(buf, icmp))) {
            return true;
        }
        int inner = icmp + IcmpHeader.HEADER_LENGTH;
        return end - inner >= Ipv4Header.MIN_HEADER_LENGTH
                && Ipv4Header.version(buf, inner) == Ipv4Header.VERSION
                && Ipv4Header.ihl(buf, inner) >= Ipv4Header.MIN_IHL
                && inner + Ipv4Header.headerLength(buf, inner) <= end;
    }

    public static void rewriteSource(ByteBuf buf, int ip, int newAddress) {
        rewrite(buf, ip, Ipv4Header.SOURCE_ADDRESS_OFFSET, Ipv4Header.DESTINATION_ADDRESS_OFFSET,
                newAddress);
    }

    public static void rewriteDestination(ByteBuf buf, int ip, int newAddress) {
        rewrite(buf, ip, Ipv4Header.DESTINATION_ADDRESS_OFFSET, Ipv4Header.SOURCE_ADDRESS_OFFSET,
                newAddress);
    }

    private static void rewrite(ByteBuf buf, int ip, int field, int embeddedField, int newAddress) {
        int end = ip + Ipv4Header.totalLength(buf, ip);
        int oldAddress = buf.getInt(ip + field);
        setAddress(buf, ip, end, field, newAddress);
        if (Ipv4Header.protocol(buf, ip) != Ipv4Header.PROTOCOL_ICMP
                || !Ipv4Header.carriesTransportHeader(buf, ip)) {
            return;
        }
        int icmp = ip + Ipv4Header.headerLength(buf, ip);
        if (!IcmpHeader.isError(IcmpHeader.type(buf, icmp))) {
            return;
        }
        int inner = icmp + IcmpHeader.HEADER_LENGTH;
        if (buf.getInt(inner + embeddedField) != oldAddress) {
            return;
        }
        int innerHeaderChecksum = Ipv4Header.headerChecksum(buf, inner);
        int innerTransportChecksum = pseudoHeaderChecksumOffset(buf, inner, end);
        int innerTransportChecksumBefore =
                innerTransportChecksum < 0 ? 0 : buf.getUnsignedShort(innerTransportChecksum);
        setAddress(buf, inner, end, embeddedField, newAddress);

        // The ICMP checksum covers every embedded byte just changed.
        int checksum = IcmpHeader.checksum(buf, icmp);
        checksum = update32(checksum, oldAddress, newAddress);
        checksum = update16(checksum, innerHeaderChecksum, Ipv4Header.headerChecksum(buf, inner));
        if (innerTransportChecksum >= 0) {
            checksum = update16(checksum, innerTransportChecksumBefore,
                    buf.getUnsignedShort(innerTransportChecksum));
        }
        IcmpHeader.setChecksum(buf, icmp, checksum);
    }

    /** Sets one address of the header at {@code ip}; fixes its header and pseudo-header checksums. */
    private static void setAddress(ByteBuf buf, int ip, int end, int field, int newAddress) {
        int oldAddress = buf.getInt(ip + field);
        buf.setInt(ip + field, newAddress);
        Ipv4Header.setHeaderChecksum(buf, ip,
                update32(Ipv4Header.headerChecksum(buf, ip), oldAddress, newAddress));
        int transportChecksum = pseudoHeaderChecksumOffset(buf, ip, end);
        if (transportChecksum >= 0) {
            int updated = update32(buf.getUnsignedShort(transportChecksum), oldAddress, newAddress);
            if (updated == UdpHeader.NO_CHECKSUM
                    && Ipv4Header.protocol(buf, ip) == Ipv4Header.PROTOCOL_UDP) {
                updated = UdpHeader.ZERO_CHECKSUM_TRANSMITTED;
            }
            buf.setShort(transportChecksum, updated);
        }
    }

    /**
     * The absolute offset of the TCP or UDP checksum that covers this header's pseudo-header, or
     * -1 when there is none to fix: a non-first fragment, another protocol, a UDP checksum of 0,
     * or (in an ICMP error's truncated copy) a field past {@code end}.
     */
    private static int pseudoHeaderChecksumOffset(ByteBuf buf, int ip, int end) {
        if (!Ipv4Header.carriesTransportHeader(buf, ip)) {
            return -1;
        }
        int l4 = ip + Ipv4Header.headerLength(buf, ip);
        switch (Ipv4Header.protocol(buf, ip)) {
            case Ipv4Header.PROTOCOL_TCP: {
                int field = l4 + TcpHeader.CHECKSUM_OFFSET;
                return field + CHECKSUM_FIELD_LENGTH <= end ? field : -1;
            }
            case Ipv4Header.PROTOCOL_UDP: {
                int field = l4 + UdpHeader.CHECKSUM_OFFSET;
                return field + CHECKSUM_FIELD_LENGTH <= end
                        && buf.getUnsignedShort(field) != UdpHeader.NO_CHECKSUM ? field : -1;
            }
            default:
                return -1;
        }
    }
}
