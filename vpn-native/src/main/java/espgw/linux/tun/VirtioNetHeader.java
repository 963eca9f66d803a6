package espgw.linux.tun;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over {@code struct virtio_net_hdr} ({@code include/uapi/linux/virtio_net.h}), the
 * 10-byte header in front of every packet read from or written to a TUN queue opened with
 * offloads ({@link TunDevice#open(String, String, int, boolean, boolean)}): whether the packet is
 * a super-packet to be cut into {@code gso_size}-byte TCP segments, and whether its checksum is
 * still to be completed. Without {@code num_buffers} (that field exists only with mergeable
 * receive buffers). Fields are little-endian: {@link TunDevice} sets TUNSETVNETLE, as a modern
 * (VIRTIO 1.0) device is. Static accessors on an offset, no object per packet.
 */
public final class VirtioNetHeader {
    /** {@code sizeof(struct virtio_net_hdr)}. */
    public static final int LENGTH = 10;

    // Field offsets in struct virtio_net_hdr.
    public static final int FLAGS_OFFSET = 0;
    public static final int GSO_TYPE_OFFSET = 1;
    public static final int HDR_LEN_OFFSET = 2;
    public static final int GSO_SIZE_OFFSET = 4;
    public static final int CSUM_START_OFFSET = 6;
    public static final int CSUM_OFFSET_OFFSET = 8;

    /** "flags": the checksum from csum_start to the end is still to be computed and stored at csum_start + csum_offset. */
    public static final int VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
    /** "flags": the checksum was verified already (receive direction). */
    public static final int VIRTIO_NET_HDR_F_DATA_VALID = 2;

    /** "gso_type": an ordinary packet. */
    public static final int VIRTIO_NET_HDR_GSO_NONE = 0;
    /** "gso_type": a TCP/IPv4 super-packet of gso_size-byte segments. */
    public static final int VIRTIO_NET_HDR_GSO_TCPV4 = 1;
    /** "gso_type": an IPv4/IPv6 UDP datagram to be fragmented (UFO). */
    public static final int VIRTIO_NET_HDR_GSO_UDP = 3;
    /** "gso_type": a TCP/IPv6 super-packet. */
    public static final int VIRTIO_NET_HDR_GSO_TCPV6 = 4;
    /** "gso_type": a UDP super-packet of gso_size-byte datagrams (USO). */
    public static final int VIRTIO_NET_HDR_GSO_UDP_L4 = 5;
    /** "gso_type" bit: the TCP super-packet carries ECN CWR, which only its first segment may keep. */
    public static final int VIRTIO_NET_HDR_GSO_ECN = 0x80;

    private VirtioNetHeader() {
    }

    public static int flags(ByteBuf buf, int at) {
        return buf.getUnsignedByte(at + FLAGS_OFFSET);
    }

    public static boolean needsChecksum(ByteBuf buf, int at) {
        return (flags(buf, at) & VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0;
    }

    public static int gsoType(ByteBuf buf, int at) {
        return buf.getUnsignedByte(at + GSO_TYPE_OFFSET);
    }

    /** Length of the headers in front of the first segment's payload; the kernel may overstate it. */
    public static int hdrLen(ByteBuf buf, int at) {
        return buf.getUnsignedShortLE(at + HDR_LEN_OFFSET);
    }

    /** Payload bytes per segment of a super-packet. */
    public static int gsoSize(ByteBuf buf, int at) {
        return buf.getUnsignedShortLE(at + GSO_SIZE_OFFSET);
    }

    /** Where the checksummed bytes start, counted from the packet's first byte (after this header). */
    public static int csumStart(ByteBuf buf, int at) {
        return buf.getUnsignedShortLE(at + CSUM_START_OFFSET);
    }

    /** Where the checksum goes, counted from csum_start. */
    public static int csumOffset(ByteBuf buf, int at) {
        return buf.getUnsignedShortLE(at + CSUM_OFFSET_OFFSET);
    }

    /** Writes a header for an ordinary packet whose checksums are all in place: all zero. */
    public static void setNone(ByteBuf buf, int at) {
        buf.setZero(at, LENGTH);
    }

    /** Writes every field. */
    public static void set(ByteBuf buf, int at, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart,
            int csumOffset) {
        buf.setByte(at + FLAGS_OFFSET, flags);
        buf.setByte(at + GSO_TYPE_OFFSET, gsoType);
        buf.setShortLE(at + HDR_LEN_OFFSET, hdrLen);
        buf.setShortLE(at + GSO_SIZE_OFFSET, gsoSize);
        buf.setShortLE(at + CSUM_START_OFFSET, csumStart);
        buf.setShortLE(at + CSUM_OFFSET_OFFSET, csumOffset);
    }
}
