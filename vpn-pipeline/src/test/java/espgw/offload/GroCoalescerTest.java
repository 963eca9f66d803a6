package espgw.offload;

import static espgw.offload.OffloadPackets.TIMESTAMPS;
import static espgw.offload.OffloadPackets.data;
import static espgw.offload.OffloadPackets.slice;
import static espgw.offload.OffloadPackets.tcp;
import static espgw.offload.OffloadPackets.withPartialChecksum;
import static espgw.offload.OffloadPackets.withShort;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.wire.Ipv4Header;
import espgw.wire.TestDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GroCoalescerTest {
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final int FIN = 0x01;
    private static final int SYN = 0x02;
    private static final int RST = 0x04;
    private static final int URG = 0x20;
    private static final int MSS = 1388;
    private static final int SEQ = 0x7FFFFF00;

    private EmbeddedChannel channel = new EmbeddedChannel(new GroCoalescer());

    @AfterEach
    void nothingLeftBehind() {
        assertFalse(channel.finishAndReleaseAll());
    }

    /** What the handler wrote towards the TUN: each frame's virtio_net_hdr and packet. */
    private record Frame(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset, byte[] packet) {
        static Frame of(byte[] bytes) {
            ByteBuffer header = ByteBuffer.wrap(bytes, 0, 10).order(ByteOrder.LITTLE_ENDIAN);
            return new Frame(header.get() & 0xFF, header.get() & 0xFF, header.getShort() & 0xFFFF,
                    header.getShort() & 0xFFFF, header.getShort() & 0xFFFF, header.getShort() & 0xFFFF,
                    Arrays.copyOfRange(bytes, 10, bytes.length));
        }

        boolean isPlain() {
            return flags == 0 && gsoType == 0 && hdrLen == 0 && gsoSize == 0 && csumStart == 0 && csumOffset == 0;
        }
    }

    /** One batch as ForwardTo writes it: every packet with a void promise, then one flush. */
    private List<Frame> batch(byte[]... packets) {
        for (byte[] packet : packets) {
            channel.write(TestDatagram.buffer(packet), channel.voidPromise());
        }
        channel.flush();
        return frames();
    }

    private List<Frame> frames() {
        List<Frame> frames = new ArrayList<>();
        for (ByteBuf frame = channel.readOutbound(); frame != null; frame = channel.readOutbound()) {
            frames.add(Frame.of(TestDatagram.bytesAndRelease(frame)));
        }
        return frames;
    }

    /** Segment {@code i} of flow 40000 → 443, {@code length} data bytes, sequence numbers as if all before were MSS long. */
    private static byte[] segment(int i, int length, int flags) {
        return tcp(100 + i, SEQ + i * MSS, flags, TIMESTAMPS, slice(data(MSS * 60), i * MSS, i * MSS + length)).build();
    }

    /** For a TUN that takes UDP super-packets. */
    private void mergeUdpToo() {
        assertFalse(channel.finishAndReleaseAll());
        channel = new EmbeddedChannel(new GroCoalescer(true));
    }

    /** UDP 5001 → 5201 with {@code length} data bytes taken at {@code from}, Identification {@code 200 + i}. */
    private static TestDatagram udpDatagram(int i, int from, int length) {
        TestDatagram datagram = new TestDatagram(Ipv4Header.PROTOCOL_UDP, OffloadPackets.CLIENT, OffloadPackets.SERVER,
                TestDatagram.udp(5001, 5201, slice(data(8000), from, from + length)));
        datagram.identification = 200 + i;
        return datagram;
    }

    private static void assertPlain(byte[] expected, Frame frame) {
        assertEquals(true, frame.isPlain(), "a zero virtio_net_hdr");
        assertArrayEquals(expected, frame.packet());
    }

    @Test
    void inOrderSegmentsOfAFlowBecomeOneSuperPacket() {
        List<Frame> frames = batch(segment(0, MSS, ACK), segment(1, MSS, ACK), segment(2, MSS, ACK),
                segment(3, 500, ACK | PSH));

        assertEquals(1, frames.size());
        Frame frame = frames.get(0);
        assertEquals(1, frame.flags(), "VIRTIO_NET_HDR_F_NEEDS_CSUM");
        assertEquals(1, frame.gsoType(), "VIRTIO_NET_HDR_GSO_TCPV4");
        assertEquals(52, frame.hdrLen());
        assertEquals(MSS, frame.gsoSize());
        assertEquals(20, frame.csumStart());
        assertEquals(16, frame.csumOffset());
        // The first segment's headers (its Identification), Total Length and PSH of the whole, all the data,
        // and in the checksum field the pseudo-header sum the kernel completes.
        byte[] whole = tcp(100, SEQ, ACK | PSH, TIMESTAMPS, slice(data(MSS * 60), 0, 3 * MSS + 500)).build();
        assertArrayEquals(withPartialChecksum(whole, 16), frame.packet());
    }

    @Test
    void segmentsOutOfOrderStayApartAndInTheirOrder() {
        byte[] first = segment(0, MSS, ACK);
        byte[] third = segment(2, MSS, ACK);
        byte[] second = segment(1, MSS, ACK);
        List<Frame> frames = batch(first, third, second);
        assertEquals(3, frames.size());
        assertPlain(first, frames.get(0));
        assertPlain(third, frames.get(1));
        assertPlain(second, frames.get(2));
    }

    @Test
    void interleavedFlowsAreEachMerged() {
        byte[] a0 = segment(0, MSS, ACK);
        byte[] a1 = segment(1, MSS, ACK);
        TestDatagram b0 = tcp(7, 5000, ACK, TIMESTAMPS, data(MSS));
        TestDatagram b1 = tcp(8, 5000 + MSS, ACK, TIMESTAMPS, data(MSS));
        b0.destination = b1.destination = 0x0A000003;
        List<Frame> frames = batch(a0, b0.build(), a1, b1.build());
        assertEquals(2, frames.size());
        assertEquals(52 + 2 * MSS, frames.get(0).packet().length);
        assertEquals(OffloadPackets.SERVER, ByteBuffer.wrap(frames.get(0).packet()).getInt(16), "flow a first");
        assertEquals(0x0A000003, ByteBuffer.wrap(frames.get(1).packet()).getInt(16));
        assertEquals(52 + 2 * MSS, frames.get(1).packet().length);
    }

    @Test
    void pshEndsASuperPacket() {
        byte[] pushed = segment(0, MSS, ACK | PSH);
        byte[] next = segment(1, MSS, ACK);
        List<Frame> frames = batch(pushed, next);
        assertEquals(2, frames.size());
        assertPlain(pushed, frames.get(0));
        assertPlain(next, frames.get(1));

        frames = batch(segment(0, MSS, ACK), segment(1, MSS, ACK | PSH), segment(2, MSS, ACK));
        assertEquals(2, frames.size());
        assertEquals(52 + 2 * MSS, frames.get(0).packet().length);
        assertPlain(segment(2, MSS, ACK), frames.get(1));
    }

    @Test
    void aShorterSegmentEndsASuperPacketAndALongerOneCannotFollow() {
        List<Frame> frames = batch(segment(0, MSS, ACK), segment(1, 700, ACK), segment(2, MSS, ACK));
        assertEquals(2, frames.size());
        assertEquals(52 + MSS + 700, frames.get(0).packet().length);
        assertEquals(MSS, frames.get(0).gsoSize());

        byte[] shorter = tcp(1, SEQ, ACK, TIMESTAMPS, data(700)).build();
        byte[] longer = tcp(2, SEQ + 700, ACK, TIMESTAMPS, data(MSS)).build();
        frames = batch(shorter, longer);
        assertEquals(2, frames.size());
        assertPlain(shorter, frames.get(0));
        assertPlain(longer, frames.get(1));
    }

    @Test
    void controlSegmentsAreNeverMergedAndKeepTheirPlaceInTheFlow() {
        for (int control : new int[] {FIN, SYN, RST, URG}) {
            byte[] first = segment(0, MSS, ACK);
            byte[] flagged = segment(1, MSS, ACK | control);
            byte[] after = segment(2, MSS, ACK);
            List<Frame> frames = batch(first, flagged, after);
            assertEquals(3, frames.size(), "control bits " + control);
            assertPlain(first, frames.get(0));
            assertPlain(flagged, frames.get(1));
            assertPlain(after, frames.get(2));
        }
    }

    @Test
    void segmentsThatDifferInAHeaderFieldTheSuperPacketKeepsOnceStayApart() {
        byte[] first = segment(0, MSS, ACK);
        byte[] second = segment(1, MSS, ACK);
        int tcp = 20;
        List<byte[]> variants = List.of(
                resum(withShort(second, 1, 0x0400)), // TOS
                resum(withShort(second, 8, 0x3F06)), // TTL
                resum(withShort(second, tcp + 8, 0x0B0B)), // acknowledgment number
                resum(withShort(second, tcp + 14, 1000)), // window
                resum(withShort(second, tcp + 30, 0x0101)), // a timestamp option byte
                resum(withShort(second, 6, 0))); // no DF
        for (byte[] variant : variants) {
            List<Frame> frames = batch(first, variant);
            assertEquals(2, frames.size());
            assertPlain(first, frames.get(0));
            assertPlain(variant, frames.get(1));
        }
    }

    /** Recomputes the checksums of a packet whose header was edited. */
    private static byte[] resum(byte[] packet) {
        byte[] copy = packet.clone();
        TestDatagram rebuilt = new TestDatagram(Ipv4Header.PROTOCOL_TCP, ByteBuffer.wrap(copy).getInt(12),
                ByteBuffer.wrap(copy).getInt(16), Arrays.copyOfRange(copy, 20, copy.length));
        rebuilt.typeOfService = copy[1] & 0xFF;
        rebuilt.identification = ByteBuffer.wrap(copy).getShort(4) & 0xFFFF;
        rebuilt.dontFragment = (copy[6] & 0x40) != 0;
        rebuilt.timeToLive = copy[8] & 0xFF;
        return rebuilt.build();
    }

    @Test
    void aDamagedSegmentIsLeftToTheKernelAndNothingIsMergedPastIt() {
        byte[] first = segment(0, MSS, ACK);
        byte[] damaged = withShort(segment(1, MSS, ACK), 20 + 16, 0x1234);
        byte[] third = segment(2, MSS, ACK);
        List<Frame> frames = batch(first, damaged, third);
        assertEquals(3, frames.size());
        assertPlain(first, frames.get(0));
        assertPlain(damaged, frames.get(1));
        assertPlain(third, frames.get(2));

        byte[] damagedHead = withShort(first, 20 + 16, 0x1234);
        frames = batch(damagedHead, segment(1, MSS, ACK), third);
        assertEquals(2, frames.size());
        assertPlain(damagedHead, frames.get(0));
        assertEquals(52 + 2 * MSS, frames.get(1).packet().length, "the two good ones merge behind it");
    }

    @Test
    void aSuperPacketStopsBelow64KiB() {
        byte[][] segments = new byte[50][];
        for (int i = 0; i < segments.length; i++) {
            segments[i] = segment(i, MSS, ACK);
        }
        List<Frame> frames = batch(segments);
        assertEquals(2, frames.size());
        assertEquals(52 + 47 * MSS, frames.get(0).packet().length);
        assertEquals(52 + 3 * MSS, frames.get(1).packet().length);
        assertEquals(SEQ + 47 * MSS, ByteBuffer.wrap(frames.get(1).packet()).getInt(24));
        assertEquals(1, frames.get(1).gsoType());
    }

    @Test
    void otherPacketsPassWithAZeroHeaderInTheirHeadroom() {
        byte[] udp = new TestDatagram(Ipv4Header.PROTOCOL_UDP, OffloadPackets.CLIENT, OffloadPackets.SERVER,
                TestDatagram.udp(5353, 53, data(100))).build();
        ByteBuf packet = TestDatagram.buffer(udp);
        channel.writeAndFlush(packet, channel.voidPromise());
        ByteBuf frame = channel.readOutbound();
        try {
            assertEquals(packet, frame, "the same buffer");
            assertEquals(TestDatagram.HEADROOM - 10, frame.readerIndex());
        } finally {
            frame.release();
        }

        ByteBuf noHeadroom = PooledByteBufAllocator.DEFAULT.directBuffer(udp.length).writeBytes(udp);
        channel.writeAndFlush(noHeadroom, channel.voidPromise());
        assertPlain(udp, frames().get(0));
    }

    @Test
    void packetsAreHeldUntilTheFlushAndAllGoAtIt() {
        channel.write(TestDatagram.buffer(segment(0, MSS, ACK)), channel.voidPromise());
        channel.write(TestDatagram.buffer(segment(1, MSS, ACK)), channel.voidPromise());
        assertNull(channel.readOutbound(), "held until the flush");
        channel.flush();
        assertEquals(1, frames().size());
    }

    @Test
    void aPacketSomeoneWaitsForGoesAloneAndItsWriteCompletesThePromise() {
        byte[] first = segment(0, MSS, ACK);
        byte[] second = segment(1, MSS, ACK);
        ChannelPromise promise = channel.newPromise();
        channel.write(TestDatagram.buffer(first), promise);
        channel.write(TestDatagram.buffer(second), channel.voidPromise());
        assertFalse(promise.isDone());
        channel.flush();
        assertTrue(promise.isSuccess());
        List<Frame> frames = frames();
        assertEquals(2, frames.size());
        assertPlain(first, frames.get(0));
        assertPlain(second, frames.get(1));
    }

    @Test
    void aBatchLongerThanTheCapacityIsEmittedInFullAndInOrder() {
        byte[][] packets = new byte[CoalescingBatch.CAPACITY + 5][];
        for (int i = 0; i < packets.length; i++) {
            TestDatagram udp = new TestDatagram(Ipv4Header.PROTOCOL_UDP, OffloadPackets.CLIENT, OffloadPackets.SERVER,
                    TestDatagram.udp(5353, 53, data(20)));
            udp.identification = i;
            packets[i] = udp.build();
        }
        List<Frame> frames = batch(packets);
        assertEquals(packets.length, frames.size());
        for (int i = 0; i < packets.length; i++) {
            assertPlain(packets[i], frames.get(i));
        }
    }

    @Test
    void packetsHeldWhenTheChannelClosesAreReleasedAndTheirPromisesFail() {
        ChannelPromise promise = channel.newPromise();
        channel.write(TestDatagram.buffer(segment(0, MSS, ACK)), promise);
        channel.write(TestDatagram.buffer(segment(1, MSS, ACK)), channel.voidPromise());
        channel.close();
        assertNull(channel.readOutbound());
        assertTrue(promise.cause() instanceof ClosedChannelException, String.valueOf(promise.cause()));
    }

    @Test
    void sameSizeDatagramsOfAUdpFlowBecomeOneSuperPacketWhenTheTunTakesThem() {
        mergeUdpToo();
        List<Frame> frames = batch(udpDatagram(0, 0, 64).build(), udpDatagram(1, 64, 64).build(),
                udpDatagram(2, 128, 64).build(), udpDatagram(3, 192, 20).build());

        assertEquals(1, frames.size());
        Frame frame = frames.get(0);
        assertEquals(1, frame.flags(), "VIRTIO_NET_HDR_F_NEEDS_CSUM");
        assertEquals(5, frame.gsoType(), "VIRTIO_NET_HDR_GSO_UDP_L4");
        assertEquals(28, frame.hdrLen());
        assertEquals(64, frame.gsoSize());
        assertEquals(20, frame.csumStart());
        assertEquals(6, frame.csumOffset());
        // The first datagram's IPv4 header (its Identification), Total Length and UDP Length of the whole,
        // all the data, and in the checksum field the pseudo-header sum the kernel completes.
        byte[] whole = udpDatagram(0, 0, 3 * 64 + 20).build();
        assertArrayEquals(withPartialChecksum(whole, 6), frame.packet());
    }

    @Test
    void withoutUdpSuperPacketsDatagramsGoOneByOne() {
        byte[] first = udpDatagram(0, 0, 64).build();
        byte[] second = udpDatagram(1, 64, 64).build();
        List<Frame> frames = batch(first, second);
        assertEquals(2, frames.size());
        assertPlain(first, frames.get(0));
        assertPlain(second, frames.get(1));
    }

    @Test
    void everyDatagramKeepsItsLengthAndPlace() {
        mergeUdpToo();
        int[] lengths = {64, 64, 100, 64, 30, 64};
        byte[][] datagrams = new byte[lengths.length][];
        for (int i = 0, from = 0; i < lengths.length; from += lengths[i], i++) {
            datagrams[i] = udpDatagram(i, from, lengths[i]).build();
        }
        List<Frame> frames = batch(datagrams);

        // A longer datagram cannot follow (it would be cut at gso_size); a shorter one is the last.
        assertEquals(List.of(2, 2, 1, 1), frames.stream().map(GroCoalescerTest::datagramsIn).toList());
        assertEquals(List.of(64, 100), List.of(frames.get(0).gsoSize(), frames.get(1).gsoSize()));
        assertPlain(datagrams[4], frames.get(2));
        assertPlain(datagrams[5], frames.get(3));
    }

    /** How many datagrams the kernel cuts from the frame. */
    private static int datagramsIn(Frame frame) {
        if (frame.gsoType() == 0) {
            return 1;
        }
        int payload = frame.packet().length - frame.hdrLen();
        return (payload + frame.gsoSize() - 1) / frame.gsoSize();
    }

    @Test
    void datagramsWithoutChecksumDamagedOrOfAnotherFlowStayApart() {
        mergeUdpToo();
        TestDatagram noChecksum = udpDatagram(1, 64, 64);
        noChecksum.keepChecksum = true;
        byte[] damaged = withShort(udpDatagram(2, 128, 64).build(), 26, 0x1234);
        TestDatagram otherTtl = udpDatagram(3, 192, 64);
        otherTtl.timeToLive = 63;
        TestDatagram otherPort = new TestDatagram(Ipv4Header.PROTOCOL_UDP, OffloadPackets.CLIENT,
                OffloadPackets.SERVER, TestDatagram.udp(5002, 5201, data(64)));
        byte[][] datagrams = {udpDatagram(0, 0, 64).build(), damaged, noChecksum.build(), otherTtl.build(),
            otherPort.build()};

        List<Frame> frames = batch(datagrams);
        assertEquals(datagrams.length, frames.size());
        for (int i = 0; i < datagrams.length; i++) {
            assertPlain(datagrams[i], frames.get(i));
        }
    }
}
