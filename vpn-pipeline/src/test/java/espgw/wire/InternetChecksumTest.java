package espgw.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.testing.EventLoopAllocation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {

    @Test
    void anyLengthAtAnyOffsetMatchesTheReference() {
        SplittableRandom random = new SplittableRandom(1071);
        byte[] data = new byte[70_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) random.nextInt(256);
        }
        ByteBuf buf = Unpooled.directBuffer(data.length).writeBytes(data);
        try {
            for (int round = 0; round < 300; round++) {
                int offset = random.nextInt(16);
                int length = round < 40 ? round : random.nextInt(data.length - offset);
                assertEquals(ReferenceChecksum.checksum(data, offset, length), InternetChecksum.compute(buf, offset, length),
                        "length " + length + " at " + offset);
            }
            java.util.Arrays.fill(data, (byte) 0xFF);
            buf.setBytes(0, data);
            assertEquals(ReferenceChecksum.checksum(data, 0, 65535), InternetChecksum.compute(buf, 0, 65535),
                    "every carry at once");
        } finally {
            buf.release();
        }
    }

    @Test
    void everyKindOfBufferMatchesTheReference() {
        SplittableRandom random = new SplittableRandom(768);
        byte[] data = new byte[3001];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) random.nextInt(256);
        }
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(data.length + 7).writeZero(7).writeBytes(data);
        ByteBuf heapWithOffset = Unpooled.wrappedBuffer(new byte[data.length + 5], 5, data.length).setBytes(0, data);
        // Two components split at an odd byte: no single NIO view, the ByteBuf's own gets.
        ByteBuf composite = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(data, 0, 1001),
                Unpooled.wrappedBuffer(data, 1001, data.length - 1001));
        // A GRO read's datagrams are retained slices of one pooled buffer; slices of slices, too.
        ByteBuf retainedSlice = pooled.retainedSlice(7, data.length);
        List<ByteBuf> buffers = List.of(pooled.slice(7, data.length), retainedSlice,
                pooled.slice(3, data.length + 4).slice(4, data.length), heapWithOffset, composite);
        try {
            for (ByteBuf buf : buffers) {
                for (int round = 0; round < 200; round++) {
                    int offset = random.nextInt(data.length);
                    int length = random.nextInt(data.length - offset + 1);
                    assertEquals(ReferenceChecksum.checksum(data, offset, length), InternetChecksum.compute(buf, offset, length),
                            buf.getClass().getSimpleName() + ": length " + length + " at " + offset);
                }
            }
        } finally {
            retainedSlice.release();
            pooled.release();
            heapWithOffset.release();
            composite.release();
        }
    }

    @Test
    void aSliceIsCheckedAgainstItsOwnBoundsNotThoseOfTheBufferUnderIt() {
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(100).writeZero(100);
        ByteBuf slice = pooled.retainedSlice(10, 20);
        try {
            assertEquals(0xFFFF, InternetChecksum.compute(slice, 0, 20));
            assertThrows(IndexOutOfBoundsException.class, () -> InternetChecksum.compute(slice, 1, 20));
            assertThrows(IndexOutOfBoundsException.class, () -> InternetChecksum.compute(slice, -1, 4));
        } finally {
            slice.release();
            pooled.release();
        }
    }

    @Test
    void summingASliceOfAPooledBufferAllocatesNothingOnAnEventLoopThread() throws InterruptedException {
        long allocated = EventLoopAllocation.bytesFor(SlicesSummed::new, 50_000, 10_000);
        // Under 1 B per sum: Netty's NIO view of a slice was two new ByteBuffers (~100 B) per call.
        assertTrue(allocated >= 0 && allocated < 10_000, allocated + " bytes allocated for 10000 sums");
    }

    /** A pooled buffer's retained slice, as a UDP GRO read hands a datagram over, summed again and again. */
    private static final class SlicesSummed implements EventLoopAllocation.Rounds {
        private final ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(2048).writeZero(2048);
        private final ByteBuf slice = pooled.retainedSlice(100, 1400);
        /** Kept in a field, so the JIT cannot drop the sums. */
        private long checksums;

        @Override
        public void run(int rounds) {
            for (int i = 0; i < rounds; i++) {
                checksums ^= InternetChecksum.sum(slice, i & 7, 1400 - 8, 0);
            }
        }

        @Override
        public void close() {
            slice.release();
            pooled.release();
        }
    }

    @Test
    void rfc1071WorkedExample() {
        // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, so the checksum is 220d.
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {0x00, 0x01, (byte) 0xf2, 0x03,
            (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7});
        assertEquals(0xddf2, InternetChecksum.fold(InternetChecksum.sum(buf, 0, 8, 0)));
        assertEquals(0x220d, InternetChecksum.compute(buf, 0, 8));
        buf.release();
    }

    @Test
    void knownIpv4HeaderChecksum() {
        // A widely quoted header (192.168.0.1 -> 192.168.0.199, UDP) whose checksum is b861.
        ByteBuf buf = Unpooled.wrappedBuffer(hex("450000730000400040110000c0a80001c0a800c7"));
        assertEquals(0xb861, InternetChecksum.compute(buf, 0, 20));
        buf.release();
    }

    @Test
    void oddLengthPadsTheLastByteWithZero() {
        ByteBuf odd = Unpooled.wrappedBuffer(new byte[] {0x12, 0x34, 0x56});
        ByteBuf padded = Unpooled.wrappedBuffer(new byte[] {0x12, 0x34, 0x56, 0x00});
        assertEquals(InternetChecksum.compute(padded, 0, 4), InternetChecksum.compute(odd, 0, 3));
        assertEquals(~(0x1234 + 0x5600) & 0xFFFF, InternetChecksum.compute(odd, 0, 3));
        odd.release();
        padded.release();
    }

    @Test
    void rfc1624Section4ExampleGivesZeroNotMinusZero() {
        // RFC 1624 §4: HC = dd2f, m = 5555, m' = 3285. Eqn. 3 yields 0000; RFC 1141's eqn. yields ffff.
        assertEquals(0x0000, InternetChecksum.update16(0xdd2f, 0x5555, 0x3285));
    }

    @Test
    void randomIncrementalUpdatesMatchFullRecomputation() {
        SplittableRandom random = new SplittableRandom(1624);
        for (int round = 0; round < 20_000; round++) {
            int length = 2 * (2 + random.nextInt(40)) + (random.nextBoolean() ? 1 : 0);
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++) {
                data[i] = (byte) random.nextInt(256);
            }
            ByteBuf buf = Unpooled.wrappedBuffer(data);
            int checksum = InternetChecksum.compute(buf, 0, length);
            assertEquals(ReferenceChecksum.checksum(data, 0, length), checksum, "full");
            if (random.nextBoolean()) {
                int at = 2 * random.nextInt((length - 2) / 2 + 1);
                int old = buf.getUnsignedShort(at);
                int changed = random.nextInt(0x10000);
                buf.setShort(at, changed);
                assertEquals(ReferenceChecksum.checksum(data, 0, length),
                        InternetChecksum.update16(checksum, old, changed), "16-bit update");
            } else {
                int at = 2 * random.nextInt((length - 4) / 2 + 1);
                int old = buf.getInt(at);
                int changed = random.nextInt();
                buf.setInt(at, changed);
                assertEquals(ReferenceChecksum.checksum(data, 0, length),
                        InternetChecksum.update32(checksum, old, changed), "32-bit update");
            }
            buf.release();
        }
    }

    static byte[] hex(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }
}
