package espgw.sa;

import java.util.ArrayList;
import java.util.List;

/**
 * The inner addresses an inbound SA may carry (RFC 4301 §4.4.2.1, the SA's selectors; in IKEv2 the
 * traffic selectors, RFC 7296 §2.9): the inner source must lie in one of the source ranges and the
 * inner destination in one of the destination ranges, else the packet is dropped (RFC 4301 §5.2).
 * Only addresses are selectors here; protocol and ports are not checked.
 *
 * <p>Immutable; the ranges are held with the sign bit flipped, so that {@link #admits} compares
 * unsigned addresses with plain {@code int} compares and allocates nothing.
 */
public final class SaSelectors {
    /** Every address as source and as destination: an SA that restricts nothing. */
    public static final SaSelectors ANY = builder().source(0, -1).destination(0, -1).build();

    private final int[] sourceFirst;
    private final int[] sourceLast;
    private final int[] destinationFirst;
    private final int[] destinationLast;

    private SaSelectors(Builder b) {
        this.sourceFirst = b.sources.stream().mapToInt(range -> range[0]).toArray();
        this.sourceLast = b.sources.stream().mapToInt(range -> range[1]).toArray();
        this.destinationFirst = b.destinations.stream().mapToInt(range -> range[0]).toArray();
        this.destinationLast = b.destinations.stream().mapToInt(range -> range[1]).toArray();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when {@code source} and {@code destination} (big-endian IPv4 addresses) are within the selectors. */
    public boolean admits(int source, int destination) {
        return within(source ^ Integer.MIN_VALUE, sourceFirst, sourceLast)
                && within(destination ^ Integer.MIN_VALUE, destinationFirst, destinationLast);
    }

    private static boolean within(int flipped, int[] first, int[] last) {
        for (int i = 0; i < first.length; i++) {
            if (flipped >= first[i] && flipped <= last[i]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "SaSelectors[" + ranges(sourceFirst, sourceLast) + " -> " + ranges(destinationFirst, destinationLast)
                + "]";
    }

    private static String ranges(int[] first, int[] last) {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < first.length; i++) {
            text.append(i == 0 ? "" : ", ").append(format(first[i] ^ Integer.MIN_VALUE)).append('-')
                    .append(format(last[i] ^ Integer.MIN_VALUE));
        }
        return text.append('}').toString();
    }

    private static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF) + "." + (address & 0xFF);
    }

    /** Collects address ranges; none of a kind admits no packet at all. */
    public static final class Builder {
        /** Each range as {first, last} with the sign bit flipped. */
        private final List<int[]> sources = new ArrayList<>();
        private final List<int[]> destinations = new ArrayList<>();

        private Builder() {
        }

        /** Admits inner sources from {@code first} to {@code last} (inclusive, unsigned). */
        public Builder source(int first, int last) {
            sources.add(flipped(first, last));
            return this;
        }

        /** Admits inner destinations from {@code first} to {@code last} (inclusive, unsigned). */
        public Builder destination(int first, int last) {
            destinations.add(flipped(first, last));
            return this;
        }

        private static int[] flipped(int first, int last) {
            if (Integer.compareUnsigned(first, last) > 0) {
                throw new IllegalArgumentException("range " + format(first) + "-" + format(last) + " ends before it starts");
            }
            return new int[] {first ^ Integer.MIN_VALUE, last ^ Integer.MIN_VALUE};
        }

        public SaSelectors build() {
            return new SaSelectors(this);
        }
    }
}
