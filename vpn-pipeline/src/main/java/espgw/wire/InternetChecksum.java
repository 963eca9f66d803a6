package espgw.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * The Internet checksum: the 16-bit one's complement of the one's complement sum (RFC 1071), and
 * its incremental update when one field changes (RFC 1624 §3, equation 3:
 * {@code HC' = ~(~HC + ~m + m')}), which stays correct in the corner cases where RFC 1141's
 * equation gave -0.
 */
public final class InternetChecksum {
    private InternetChecksum() {
    }

    /** The checksum (complemented, 16 bits) of {@code length} bytes at {@code offset}. */
    public static int compute(ByteBuf buf, int offset, int length) {
        return finish(sum(buf, offset, length, 0));
    }

    /**
     * Adds {@code length} bytes at {@code offset} to a running sum (RFC 1071 §4.1): 16-bit words in
     * network order, an odd last byte padded with zero. Returns an unfolded sum for chaining, e.g.
     * a pseudo-header followed by a segment.
     */
    public static long sum(ByteBuf buf, int offset, int length, long initial) {
        ByteBuffer nio = nioView(buf, offset, length);
        return sum(nio, nio.position(), nio.limit(), initial);
    }

    /**
     * A ByteBuf checks bounds and its reference count on every get; its NIO view over the same
     * memory (cached by a pooled buffer, no allocation) is checked once. A slice has no view of its
     * own: Netty makes two new ByteBuffers per call, and the datagrams of a UDP GRO read are slices
     * of one buffer, so their packets take the view of the buffer under the slice, found by the
     * distance between the two memory addresses. Only a buffer of several parts (none on the packet
     * path) is merged into a copy.
     */
    private static ByteBuffer nioView(ByteBuf buf, int offset, int length) {
        ByteBuf root = buf.unwrap();
        if (root != null && root.unwrap() == null && root.nioBufferCount() == 1
                && buf.hasMemoryAddress() && root.hasMemoryAddress()) {
            if (offset < 0 || length < 0 || offset > buf.capacity() - length) {
                throw new IndexOutOfBoundsException("checksum of " + length + " bytes at " + offset
                        + " in a buffer of " + buf.capacity());
            }
            return root.internalNioBuffer((int) (buf.memoryAddress() - root.memoryAddress()) + offset, length);
        }
        return buf.nioBufferCount() == 1 ? buf.internalNioBuffer(offset, length) : buf.nioBuffer(offset, length);
    }

    private static long sum(ByteBuffer nio, int start, int end, long initial) {
        long sum = initial;
        int i = start;
        // Eight bytes at a time, added as two 32-bit halves: each half is two 16-bit words whose
        // carries land in the high bits, which fold() returns end-around (RFC 1071 §2(B) "parallel
        // summation"). Even 64 KiB of halves cannot overflow the long.
        for (; i + 8 <= end; i += 8) {
            long words = nio.getLong(i);
            sum += (words >>> 32) + (words & 0xFFFFFFFFL);
        }
        for (; i + 2 <= end; i += 2) {
            sum += nio.getShort(i) & 0xFFFF;
        }
        if (i < end) {
            sum += (nio.get(i) & 0xFF) << 8;
        }
        return sum;
    }

    /** Folds the carries of a running sum end-around (RFC 1071 §4.1) and complements it. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** Folds a running sum to 16 bits, adding the carries back in (one's complement addition). */
    public static int fold(long sum) {
        long folded = sum;
        while ((folded >>> 16) != 0) {
            folded = (folded & 0xFFFF) + (folded >>> 16);
        }
        return (int) folded;
    }

    /**
     * Completes a checksum left partial (the kernel's CHECKSUM_PARTIAL, as a TUN with offloads hands
     * packets over): the field at {@code field} already holds the pseudo-header sum, so the
     * checksum of the bytes from {@code start} to {@code end}, field included, is the finished
     * value. A result of 0 is stored as 0xFFFF, its one's complement twin, which UDP needs (RFC 768)
     * and TCP accepts, as the kernel's skb_checksum_help does.
     */
    public static void complete(ByteBuf buf, int start, int end, int field) {
        int checksum = compute(buf, start, end - start);
        buf.setShort(field, checksum == 0 ? 0xFFFF : checksum);
    }

    /** RFC 1624 eqn. 3 for one 16-bit field changed from {@code oldValue} to {@code newValue}. */
    public static int update16(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF);
        return finish(sum);
    }

    /** RFC 1624 eqn. 3 applied to both 16-bit halves of a changed 32-bit field (an address). */
    public static int update32(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xFFFF)
                + (~(oldValue >>> 16) & 0xFFFF) + (~oldValue & 0xFFFF)
                + (newValue >>> 16) + (newValue & 0xFFFF);
        return finish(sum);
    }
}
