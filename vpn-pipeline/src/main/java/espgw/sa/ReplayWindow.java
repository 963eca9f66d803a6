package espgw.sa;

/**
 * Anti-replay window of RFC 4303 §3.4.3 kept as the ring of 64-bit words of RFC 6479: moving the
 * window forward clears whole words instead of shifting a bitmap, so the cost does not grow with
 * the window size. The ring holds at least one word more than the window so the word being
 * reused is never one the window still needs (RFC 6479 §2).
 *
 * <p>Two steps per packet: {@link #check} before decryption (cheap rejection of replays without
 * spending the AEAD), {@link #commit} only after the ICV verified, so forged packets cannot move
 * the window (RFC 4303 §3.4.3). With ESN, {@link #check} infers the high 32 bits of the sequence
 * number from the window position as in RFC 4303 Appendix A.
 *
 * <p>Not thread-safe: owned by the inbound SA's event loop.
 */
public final class ReplayWindow {
    /** RFC 4303 §3.4.3: a window of 32 packets MUST be supported; we allow no less than 64. */
    public static final int MIN_SIZE = Long.SIZE;
    public static final int MAX_SIZE = 1 << 20;
    public static final int DEFAULT_SIZE = 4096;

    private static final long LOW_BITS = 0xFFFF_FFFFL;

    private final boolean esn;
    private final long size;
    private final long[] ring;
    private final int wordMask;
    /** Highest authenticated sequence number so far (T in Appendix A); 0 before the first. */
    private long top;
    private long checked;

    /**
     * @param size window size W in packets, a multiple of 64 between {@link #MIN_SIZE} and
     *     {@link #MAX_SIZE}
     * @param esn whether sequence numbers are 64-bit with only the low half on the wire
     */
    public ReplayWindow(int size, boolean esn) {
        if (size < MIN_SIZE || size > MAX_SIZE || size % Long.SIZE != 0) {
            throw new IllegalArgumentException("replay window must be a multiple of 64 between "
                    + MIN_SIZE + " and " + MAX_SIZE + ", got " + size);
        }
        this.esn = esn;
        this.size = size;
        // RFC 6479: one spare word, and a power of two so the ring index is a mask.
        int words = Integer.highestOneBit(size / Long.SIZE) << 1;
        this.ring = new long[words];
        this.wordMask = words - 1;
    }

    public int size() {
        return (int) size;
    }

    /** The highest sequence number committed so far. */
    public long top() {
        return top;
    }

    /**
     * Decides whether a packet carrying {@code wireSequence} (the 32 bits from the packet) may be
     * new. On true, {@link #checkedSequence()} holds the full sequence number to authenticate and
     * later {@link #commit}.
     */
    public boolean check(long wireSequence) {
        long sequence = esn ? infer(wireSequence & LOW_BITS) : wireSequence & LOW_BITS;
        checked = sequence;
        if (sequence == 0) {
            // RFC 4303 §3.3.3: the first packet is number 1; 0 is never sent.
            return false;
        }
        if (Long.compareUnsigned(sequence, top) > 0) {
            return true;
        }
        if (top - sequence >= size) {
            return false;
        }
        return (ring[wordIndex(sequence)] & bit(sequence)) == 0;
    }

    /** The full sequence number inferred by the last {@link #check}. */
    public long checkedSequence() {
        return checked;
    }

    /**
     * Marks an authenticated sequence number as received, moving the window if it is new. Call
     * only after {@link #check} accepted it and the ICV verified.
     */
    public void commit(long sequence) {
        if (Long.compareUnsigned(sequence, top) > 0) {
            long oldWord = top >>> 6;
            long newWord = sequence >>> 6;
            long stale = Math.min(newWord - oldWord, ring.length);
            for (long i = 1; i <= stale; i++) {
                ring[(int) ((oldWord + i) & wordMask)] = 0;
            }
            top = sequence;
        }
        ring[wordIndex(sequence)] |= bit(sequence);
    }

    /**
     * RFC 4303 Appendix A.2: the high half is the window top's, or one more when the low half lies
     * below the window bottom (the sender crossed a 2^32 boundary), or one less when the window
     * straddles a boundary and the low half lies above its bottom. Before the first 2^32 packets
     * there is no lower half, so "one less" becomes "this one".
     */
    private long infer(long low) {
        long topLow = top & LOW_BITS;
        long topHigh = top >>> 32;
        long bottomLow = (topLow - size + 1) & LOW_BITS;
        long high;
        if (topLow >= size - 1) {
            // Case A: the window lies within one 2^32 subspace.
            high = low >= bottomLow ? topHigh : topHigh + 1;
        } else {
            // Case B: the window spans two subspaces.
            high = low >= bottomLow && topHigh > 0 ? topHigh - 1 : topHigh;
        }
        return (high << 32) | low;
    }

    private int wordIndex(long sequence) {
        return (int) ((sequence >>> 6) & wordMask);
    }

    private static long bit(long sequence) {
        return 1L << (sequence & 63);
    }
}
