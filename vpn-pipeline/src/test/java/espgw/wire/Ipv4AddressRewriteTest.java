package espgw.wire;

import static espgw.wire.TestDatagram.HEADROOM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Ipv4AddressRewriteTest {
    private static final int A = 0x0A000001; // 10.0.0.1
    private static final int B = 0x0A000002; // 10.0.0.2
    private static final int B_FAKE = 0x0A000102; // 10.0.1.2
    private static final int ROUTER = 0xC0A80101; // 192.168.1.1
    private static final int GRE = 47;

    /** Rewrites a copy of {@code packet} in a pooled direct buffer and returns the result. */
    private static byte[] rewrite(byte[] packet, boolean source, int newAddress) {
        ByteBuf buf = TestDatagram.buffer(packet);
        assertTrue(Ipv4AddressRewrite.isRewritable(buf, HEADROOM, buf.readableBytes()));
        if (source) {
            Ipv4AddressRewrite.rewriteSource(buf, HEADROOM, newAddress);
        } else {
            Ipv4AddressRewrite.rewriteDestination(buf, HEADROOM, newAddress);
        }
        return TestDatagram.bytesAndRelease(buf);
    }

    private static boolean rewritable(byte[] packet) {
        ByteBuf buf = TestDatagram.buffer(packet);
        try {
            return Ipv4AddressRewrite.isRewritable(buf, HEADROOM, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    @Test
    void handVerifiedUdpPacket() {
        // 10.0.0.1:1234 -> 10.0.0.2:80 UDP "hi". Worked by hand: header words sum to d932, so the
        // header checksum is 26cd; pseudo-header + segment sum to 81b3, so the UDP checksum is 7e4c.
        // Destination 10.0.1.2 adds 0100 to both sums: 25cd and 7d4c.
        byte[] packet = InternetChecksumTest.hex(
                "4500001e0000400040" + "1126cd" + "0a0000010a000002" + "04d20050000a7e4c6869");
        TestDatagram.assertChecksumsValid(packet);
        byte[] expected = InternetChecksumTest.hex(
                "4500001e0000400040" + "1125cd" + "0a0000010a000102" + "04d20050000a7d4c6869");
        assertArrayEquals(expected, rewrite(packet, false, B_FAKE));
    }

    @Test
    void udpWithoutChecksumKeepsZero() {
        TestDatagram udp = new TestDatagram(Ipv4Header.PROTOCOL_UDP, A, B,
                TestDatagram.udp(53, 5353, new byte[] {1, 2, 3}));
        udp.keepChecksum = true;
        byte[] result = rewrite(udp.build(), false, B_FAKE);
        assertEquals(0, result[20 + UdpHeader.CHECKSUM_OFFSET]);
        assertEquals(0, result[20 + UdpHeader.CHECKSUM_OFFSET + 1]);
        udp.destination = B_FAKE;
        assertArrayEquals(udp.build(), result);
        TestDatagram.assertChecksumsValid(result);
    }

    @Test
    void udpChecksumThatBecomesZeroIsSentAsAllOnes() {
        // Choose the first data word so that after the rewrite the segment sums to ffff, i.e. the
        // computed checksum is 0, which RFC 768 transmits as ffff.
        byte[] data = new byte[4];
        byte[] segment = TestDatagram.udp(1234, 80, data);
        int sum = ReferenceChecksum.sum(segment, 0, segment.length,
                ReferenceChecksum.pseudoHeaderSum(A, B_FAKE, Ipv4Header.PROTOCOL_UDP, segment.length));
        int word = ~sum & 0xFFFF;
        data[0] = (byte) (word >>> 8);
        data[1] = (byte) word;
        TestDatagram udp = new TestDatagram(Ipv4Header.PROTOCOL_UDP, A, B, TestDatagram.udp(1234, 80, data));
        byte[] result = rewrite(udp.build(), false, B_FAKE);
        assertEquals((byte) 0xFF, result[20 + UdpHeader.CHECKSUM_OFFSET]);
        assertEquals((byte) 0xFF, result[20 + UdpHeader.CHECKSUM_OFFSET + 1]);
        TestDatagram.assertChecksumsValid(result);
    }

    @Test
    void tcpAfterHeaderOptions() {
        TestDatagram tcp = new TestDatagram(Ipv4Header.PROTOCOL_TCP, A, B,
                TestDatagram.tcp(40000, 443, new byte[] {9, 8, 7, 6, 5}));
        tcp.options = new byte[] {(byte) 0x94, 4, 0, 0, 1, 1, 1, 0}; // router alert, NOPs, EOL
        byte[] result = rewrite(tcp.build(), true, ROUTER);
        tcp.source = ROUTER;
        assertArrayEquals(tcp.build(), result);
        TestDatagram.assertChecksumsValid(result);
    }

    @Test
    void laterFragmentOnlyChangesTheIpHeader() {
        byte[] data = new byte[40];
        Arrays.fill(data, (byte) 0x5A);
        TestDatagram fragment = new TestDatagram(Ipv4Header.PROTOCOL_UDP, A, B, data);
        fragment.fragmentOffset = 185;
        byte[] before = fragment.build();
        byte[] result = rewrite(before, false, B_FAKE);
        assertArrayEquals(Arrays.copyOfRange(before, 20, before.length),
                Arrays.copyOfRange(result, 20, result.length));
        fragment.destination = B_FAKE;
        assertArrayEquals(fragment.build(), result);
        TestDatagram.assertChecksumsValid(result);
    }

    @Test
    void icmpEchoHasNoPseudoHeader() {
        TestDatagram echo = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, A, B,
                TestDatagram.icmpEcho(7, 1, new byte[] {1, 2, 3, 4, 5, 6, 7}));
        byte[] before = echo.build();
        byte[] result = rewrite(before, false, B_FAKE);
        assertEquals(before[22], result[22]);
        assertEquals(before[23], result[23]);
        echo.destination = B_FAKE;
        assertArrayEquals(echo.build(), result);
    }

    @Test
    void icmpErrorFromTheTranslatedHostTranslatesTheEmbeddedDestination() {
        // B answers A's UDP datagram with port unreachable; B's address becomes B_FAKE.
        byte[] original = new TestDatagram(Ipv4Header.PROTOCOL_UDP, A, B,
                TestDatagram.udp(5000, 53, new byte[] {1, 2, 3})).build();
        byte[] translated = new TestDatagram(Ipv4Header.PROTOCOL_UDP, A, B_FAKE,
                TestDatagram.udp(5000, 53, new byte[] {1, 2, 3})).build();
        TestDatagram error = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, B, A,
                TestDatagram.icmpError(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, original));
        byte[] result = rewrite(error.build(), true, B_FAKE);
        TestDatagram.assertChecksumsValid(result);
        error.source = B_FAKE;
        error.payload = TestDatagram.icmpError(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, translated);
        assertArrayEquals(error.build(), result);
    }

    @Test
    void icmpErrorFromARouterLeavesTheEmbeddedHeader() {
        byte[] original = new TestDatagram(Ipv4Header.PROTOCOL_TCP, A, B,
                TestDatagram.tcp(5000, 22, new byte[0])).build();
        byte[] quoted = Arrays.copyOf(original, 28);
        TestDatagram error = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, ROUTER, A,
                TestDatagram.icmpError(IcmpHeader.TYPE_TIME_EXCEEDED, 0, quoted));
        byte[] result = rewrite(error.build(), true, B_FAKE);
        assertArrayEquals(quoted, Arrays.copyOfRange(result, 28, result.length));
        error.source = B_FAKE;
        assertArrayEquals(error.build(), result);
    }

    @Test
    void rejectsHeadersARewriteWouldNeed() {
        byte[] tcp = new TestDatagram(Ipv4Header.PROTOCOL_TCP, A, B,
                TestDatagram.tcp(1, 2, new byte[0])).build();
        assertTrue(rewritable(tcp));
        assertFalse(rewritable(withTotalLength(Arrays.copyOf(tcp, 37), 37)),
                "TCP first fragment without the checksum field (RFC 1858)");
        byte[] udp = new TestDatagram(Ipv4Header.PROTOCOL_UDP, A, B, new byte[7]).build();
        assertFalse(rewritable(udp), "UDP header cut short");
        byte[] icmp = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, A, B, new byte[7]).build();
        assertFalse(rewritable(icmp), "ICMP header cut short");
        byte[] quotedHeader = Arrays.copyOf(tcp, 19);
        byte[] shortError = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, A, B,
                TestDatagram.icmpError(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 1, quotedHeader)).build();
        assertFalse(rewritable(shortError), "ICMP error with a truncated embedded header");
        byte[] v6Quote = Arrays.copyOf(tcp, 28);
        v6Quote[0] = 0x65;
        byte[] v6Error = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, A, B,
                TestDatagram.icmpError(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 1, v6Quote)).build();
        assertFalse(rewritable(v6Error), "ICMP error embedding something other than IPv4");
        assertFalse(rewritable(Arrays.copyOf(tcp, 30)), "datagram shorter than its total length");
        TestDatagram fragment = new TestDatagram(Ipv4Header.PROTOCOL_TCP, A, B, new byte[8]);
        fragment.fragmentOffset = 1;
        assertTrue(rewritable(fragment.build()), "a later fragment needs no transport header");
    }

    private static byte[] withTotalLength(byte[] packet, int totalLength) {
        packet[2] = (byte) (totalLength >>> 8);
        packet[3] = (byte) totalLength;
        packet[10] = 0;
        packet[11] = 0;
        int checksum = ReferenceChecksum.checksum(packet, 0, (packet[0] & 0x0F) * 4);
        packet[10] = (byte) (checksum >>> 8);
        packet[11] = (byte) checksum;
        return packet;
    }

    /**
     * Random datagrams of every kind the rewrite distinguishes, rewritten in place, must equal the
     * same datagram built from scratch with the new address: incremental == full recomputation.
     */
    @Test
    void randomRewritesEqualFullRecomputation() {
        SplittableRandom random = new SplittableRandom(791);
        for (int round = 0; round < 5_000; round++) {
            RandomCase c = new RandomCase(random);
            byte[] before = c.build(c.source, c.destination);
            TestDatagram.assertChecksumsValid(before);
            byte[] result = rewrite(before, c.rewriteSource, c.newAddress);
            byte[] expected = c.rewriteSource
                    ? c.build(c.newAddress, c.destination) : c.build(c.source, c.newAddress);
            assertArrayEquals(expected, result, c.toString());
            TestDatagram.assertChecksumsValid(result);
        }
    }

    private static final class RandomCase {
        private static final int[] ERROR_TYPES = {3, 4, 5, 11, 12};
        final SplittableRandom random;
        final int kind;
        final int innerKind;
        final byte[] options;
        final byte[] innerOptions;
        final byte[] data;
        final int fragmentOffset;
        final boolean moreFragments;
        final int source;
        final int destination;
        final int innerSource;
        final int innerDestination;
        final int errorType;
        final int quotedExtra;
        final boolean rewriteSource;
        final int newAddress;

        RandomCase(SplittableRandom random) {
            this.random = random;
            kind = random.nextInt(6);
            innerKind = random.nextInt(4);
            options = bytes(4 * random.nextInt(11));
            innerOptions = bytes(4 * random.nextInt(3));
            data = bytes(random.nextInt(61));
            fragmentOffset = random.nextInt(5) == 0 ? 1 + random.nextInt(1000) : 0;
            moreFragments = random.nextInt(5) == 0;
            source = random.nextInt();
            destination = random.nextInt();
            // Errors usually concern the hosts they travel between, sometimes a router's.
            innerSource = random.nextInt(4) == 0 ? random.nextInt() : destination;
            innerDestination = random.nextInt(4) == 0 ? random.nextInt() : source;
            errorType = ERROR_TYPES[random.nextInt(ERROR_TYPES.length)];
            // Even, so a quote never ends inside the embedded TCP checksum, which no translator
            // could then fix (real quotes end after 8 bytes or at the 576-byte limit, RFC 1812).
            quotedExtra = 2 * random.nextInt(20);
            rewriteSource = random.nextBoolean();
            newAddress = random.nextInt();
        }

        private byte[] bytes(int length) {
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = (byte) random.nextInt(256);
            }
            return bytes;
        }

        byte[] build(int newSource, int newDestination) {
            TestDatagram d;
            if (fragmentOffset != 0) {
                int protocol = new int[] {Ipv4Header.PROTOCOL_TCP, Ipv4Header.PROTOCOL_UDP,
                    Ipv4Header.PROTOCOL_ICMP}[kind % 3];
                d = new TestDatagram(protocol, newSource, newDestination, Arrays.copyOf(data, 8 + data.length));
                d.fragmentOffset = fragmentOffset;
            } else if (kind == 4) {
                d = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, newSource, newDestination,
                        TestDatagram.icmpError(errorType, 1, quote(newSource, newDestination)));
            } else {
                d = transport(kind, newSource, newDestination, options);
            }
            d.options = options;
            d.moreFragments = moreFragments;
            return d.build();
        }

        /** The embedded datagram, translated wherever the outer address it mirrors was. */
        private byte[] quote(int newSource, int newDestination) {
            int embeddedSource = innerSource == destination ? newDestination : innerSource;
            int embeddedDestination = innerDestination == source ? newSource : innerDestination;
            TestDatagram inner = transport(innerKind, embeddedSource, embeddedDestination, innerOptions);
            byte[] whole = inner.build();
            int quoted = Math.min(whole.length, 20 + innerOptions.length + 8 + quotedExtra);
            return Arrays.copyOf(whole, quoted);
        }

        private TestDatagram transport(int which, int from, int to, byte[] headerOptions) {
            TestDatagram d;
            switch (which) {
                case 0:
                    d = new TestDatagram(Ipv4Header.PROTOCOL_TCP, from, to, TestDatagram.tcp(1000, 80, data));
                    break;
                case 1:
                    d = new TestDatagram(Ipv4Header.PROTOCOL_UDP, from, to, TestDatagram.udp(1000, 53, data));
                    break;
                case 2:
                    d = new TestDatagram(Ipv4Header.PROTOCOL_UDP, from, to, TestDatagram.udp(1000, 53, data));
                    d.keepChecksum = true;
                    break;
                case 3:
                    d = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, from, to, TestDatagram.icmpEcho(1, 2, data));
                    break;
                default:
                    d = new TestDatagram(GRE, from, to, data);
                    break;
            }
            d.options = headerOptions;
            return d;
        }

        @Override
        public String toString() {
            return "kind " + kind + " inner " + innerKind + " fragment " + fragmentOffset
                    + " rewriteSource " + rewriteSource;
        }
    }
}
