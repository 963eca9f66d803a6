package espgw.linux.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The layout of struct virtio_net_hdr as include/uapi/linux/virtio_net.h gives it, little-endian. */
class VirtioNetHeaderTest {
    /** flags NEEDS_CSUM, gso_type TCPV4, hdr_len 52, gso_size 1388, csum_start 20, csum_offset 16, at offset 3. */
    private static final byte[] TSO_FRAME = {
        9, 9, 9,
        0x01, 0x01, 52, 0, 0x6c, 0x05, 20, 0, 16, 0,
        0x45};

    @Test
    void readsEachFieldLittleEndian() {
        ByteBuf buf = Unpooled.wrappedBuffer(TSO_FRAME);
        try {
            assertEquals(VirtioNetHeader.VIRTIO_NET_HDR_F_NEEDS_CSUM, VirtioNetHeader.flags(buf, 3));
            assertTrue(VirtioNetHeader.needsChecksum(buf, 3));
            assertEquals(VirtioNetHeader.VIRTIO_NET_HDR_GSO_TCPV4, VirtioNetHeader.gsoType(buf, 3));
            assertEquals(52, VirtioNetHeader.hdrLen(buf, 3));
            assertEquals(1388, VirtioNetHeader.gsoSize(buf, 3));
            assertEquals(20, VirtioNetHeader.csumStart(buf, 3));
            assertEquals(16, VirtioNetHeader.csumOffset(buf, 3));
            assertEquals(0x45, buf.getUnsignedByte(3 + VirtioNetHeader.LENGTH), "the packet follows the 10 bytes");
        } finally {
            buf.release();
        }
    }

    @Test
    void writesTheSameBytesItReads() {
        ByteBuf buf = Unpooled.buffer(TSO_FRAME.length).writeBytes(new byte[TSO_FRAME.length]);
        try {
            buf.setBytes(0, new byte[] {9, 9, 9});
            buf.setByte(13, 0x45);
            VirtioNetHeader.set(buf, 3, VirtioNetHeader.VIRTIO_NET_HDR_F_NEEDS_CSUM,
                    VirtioNetHeader.VIRTIO_NET_HDR_GSO_TCPV4, 52, 1388, 20, 16);
            byte[] written = new byte[TSO_FRAME.length];
            buf.getBytes(0, written);
            assertArrayEquals(TSO_FRAME, written);

            VirtioNetHeader.setNone(buf, 3);
            assertFalse(VirtioNetHeader.needsChecksum(buf, 3));
            assertEquals(VirtioNetHeader.VIRTIO_NET_HDR_GSO_NONE, VirtioNetHeader.gsoType(buf, 3));
            for (int i = 3; i < 3 + VirtioNetHeader.LENGTH; i++) {
                assertEquals(0, buf.getByte(i), "byte " + i);
            }
            assertEquals(9, buf.getByte(2));
            assertEquals(0x45, buf.getByte(13));
        } finally {
            buf.release();
        }
    }
}
