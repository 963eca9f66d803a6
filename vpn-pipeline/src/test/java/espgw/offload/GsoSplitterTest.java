package espgw.offload;

import static espgw.offload.OffloadPackets.TIMESTAMPS;
import static espgw.offload.OffloadPackets.data;
import static espgw.offload.OffloadPackets.frame;
import static espgw.offload.OffloadPackets.slice;
import static espgw.offload.OffloadPackets.tcp;
import static espgw.offload.OffloadPackets.withPartialChecksum;
import static espgw.offload.OffloadPackets.withShort;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import espgw.wire.Ipv4Header;
import espgw.wire.TestDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GsoSplitterTest {
    private static final int HEADROOM = 64;
    private static final int TAILROOM = 32;
    private static final int NEEDS_CSUM = 1;
    private static final int GSO_NONE = 0;
    private static final int GSO_TCPV4 = 1;
    private static final int GSO_UDP = 3;
    private static final int GSO_ECN = 0x80;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final int FIN = 0x01;
    private static final int CWR = 0x80;
    private static final int GSO_SIZE = 1388;
    /** IPv4 20 + TCP 20 + timestamps 12. */
    private static final int HEADERS = 52;

    private final CountingDropRecorder drops = new CountingDropRecorder();
    private final EmbeddedChannel channel = new EmbeddedChannel(new GsoSplitter(HEADROOM, TAILROOM, drops));

    @AfterEach
    void nothingLeftBehind() {
        assertFalse(channel.finishAndReleaseAll());
    }

    /** Every packet the splitter emitted, checked for head- and tailroom, as bytes; buffers released. */
    private List<byte[]> emitted() {
        List<byte[]> packets = new ArrayList<>();
        for (ByteBuf packet = channel.readInbound(); packet != null; packet = channel.readInbound()) {
            assertEquals(HEADROOM, packet.readerIndex(), "headroom for the outer headers");
            assertEquals(TAILROOM, packet.maxWritableBytes(), "tailroom for the ESP trailer");
            packets.add(TestDatagram.bytesAndRelease(packet));
        }
        return packets;
    }

    @Test
    void aSuperPacketBecomesTheSegmentsTheSenderMeant() {
        byte[] payload = data(3 * GSO_SIZE + 836);
        TestDatagram superPacket = tcp(0x1234, 0xFFFFF000, CWR | ACK | PSH | FIN, TIMESTAMPS, payload);
        // The kernel leaves a partial checksum and may overstate hdr_len; neither may matter.
        byte[] wire = withShort(superPacket.build(), 20 + 16, 0xBEEF);
        channel.writeInbound(frame(NEEDS_CSUM, GSO_TCPV4, wire.length, GSO_SIZE, 20, 16, wire));

        List<byte[]> segments = emitted();
        assertEquals(4, segments.size());
        int[] flags = {CWR | ACK, ACK, ACK, ACK | PSH | FIN};
        for (int i = 0; i < 4; i++) {
            int from = i * GSO_SIZE;
            int to = Math.min(from + GSO_SIZE, payload.length);
            byte[] expected = tcp(0x1234 + i, 0xFFFFF000 + i * GSO_SIZE, flags[i], TIMESTAMPS,
                    slice(payload, from, to)).build();
            assertArrayEquals(expected, segments.get(i), "segment " + i);
            TestDatagram.assertChecksumsValid(segments.get(i));
        }
        assertEquals(HEADERS + 836, segments.get(3).length, "the last segment carries what is left");
        assertEquals(0, drops.total());
    }

    @Test
    void identificationAndSequenceNumbersWrapAround() {
        byte[] payload = data(2 * 100);
        byte[] wire = tcp(0xFFFF, 0xFFFFFFC0, ACK, new byte[0], payload).build();
        channel.writeInbound(frame(NEEDS_CSUM, GSO_TCPV4, 40, 100, 20, 16, wire));

        List<byte[]> segments = emitted();
        assertEquals(2, segments.size());
        assertArrayEquals(tcp(0xFFFF, 0xFFFFFFC0, ACK, new byte[0], slice(payload, 0, 100)).build(), segments.get(0));
        assertArrayEquals(tcp(0x0000, 0x00000024, ACK, new byte[0], slice(payload, 100, 200)).build(), segments.get(1));
    }

    @Test
    void aPayloadOfExactlyOneSegmentStaysOnePacket() {
        byte[] wire = tcp(7, 1000, ACK | PSH, TIMESTAMPS, data(GSO_SIZE)).build();
        channel.writeInbound(frame(NEEDS_CSUM, GSO_TCPV4, HEADERS, GSO_SIZE, 20, 16, wire));
        List<byte[]> segments = emitted();
        assertEquals(1, segments.size());
        assertArrayEquals(wire, segments.get(0));
    }

    @Test
    void aPacketWithoutOffloadPassesAsItIs() {
        byte[] wire = tcp(7, 1000, ACK, TIMESTAMPS, data(300)).build();
        channel.writeInbound(frame(0, GSO_NONE, 0, 0, 0, 0, wire));
        List<byte[]> packets = emitted();
        assertEquals(1, packets.size());
        assertArrayEquals(wire, packets.get(0));
    }

    @Test
    void aPartialTcpChecksumIsCompleted() {
        byte[] wire = tcp(7, 1000, ACK | PSH, TIMESTAMPS, data(301)).build();
        channel.writeInbound(frame(NEEDS_CSUM, GSO_NONE, 0, 0, 20, 16, withPartialChecksum(wire, 16)));
        List<byte[]> packets = emitted();
        assertEquals(1, packets.size());
        assertArrayEquals(wire, packets.get(0));
    }

    @Test
    void aPartialUdpChecksumIsCompleted() {
        TestDatagram udp = new TestDatagram(Ipv4Header.PROTOCOL_UDP, OffloadPackets.CLIENT, OffloadPackets.SERVER,
                TestDatagram.udp(5353, 53, data(77)));
        byte[] wire = udp.build();
        channel.writeInbound(frame(NEEDS_CSUM, GSO_NONE, 0, 0, 20, 6, withPartialChecksum(wire, 6)));
        List<byte[]> packets = emitted();
        assertEquals(1, packets.size());
        assertArrayEquals(wire, packets.get(0));
        TestDatagram.assertChecksumsValid(packets.get(0));
    }

    @Test
    void gsoTypesThatWereNeverOfferedAreDroppedAndCounted() {
        byte[] wire = tcp(7, 1000, ACK, new byte[0], data(3000)).build();
        channel.writeInbound(frame(NEEDS_CSUM, GSO_TCPV4 | GSO_ECN, 40, 1000, 20, 16, wire));
        channel.writeInbound(frame(NEEDS_CSUM, GSO_UDP, 28, 1000, 20, 6, wire));
        assertNull(channel.readInbound());
        assertEquals(2, drops.count(DropReason.UNSUPPORTED_OFFLOAD));
    }

    @Test
    void framesThatLieAreDroppedAsMalformed() {
        byte[] wire = tcp(7, 1000, ACK, new byte[0], data(3000)).build();
        channel.writeInbound(frame(NEEDS_CSUM, GSO_TCPV4, 40, 0, 20, 16, wire)); // gso_size 0
        channel.writeInbound(frame(NEEDS_CSUM, GSO_NONE, 0, 0, 20, wire.length - 20 - 1, wire)); // field past the end
        channel.writeInbound(frame(NEEDS_CSUM, GSO_NONE, 0, 0, 2, 0, wire)); // checksum over the IP header
        channel.writeInbound(frame(NEEDS_CSUM, GSO_TCPV4, 40, 1000, 20, 16, slice(wire, 0, 1000))); // truncated
        channel.writeInbound(frame(NEEDS_CSUM, GSO_TCPV4, 40, 1000, 20, 16, withShort(wire, 20 + 12, 0x1000)));
        TestDatagram udp = new TestDatagram(Ipv4Header.PROTOCOL_UDP, OffloadPackets.CLIENT, OffloadPackets.SERVER,
                TestDatagram.udp(5353, 53, data(3000)));
        channel.writeInbound(frame(NEEDS_CSUM, GSO_TCPV4, 28, 1000, 20, 6, udp.build())); // TCPV4 over UDP
        ByteBuf tooShort = frame(0, GSO_NONE, 0, 0, 0, 0, new byte[0]);
        channel.writeInbound(tooShort.writerIndex(6));
        assertNull(channel.readInbound());
        assertEquals(7, drops.count(DropReason.MALFORMED));
        assertEquals(7, drops.total());
    }
}
