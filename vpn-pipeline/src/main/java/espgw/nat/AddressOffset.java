package espgw.nat;

/**
 * The seed's network offset with NETMAP semantics: an address keeps its host bits and swaps its
 * prefix, so {@code 10.0.0.160} in the real network {@code 10.0.0.0/24} has the fake address
 * {@code 10.0.1.160} in the offset network {@code 10.0.1.0/24}, and back. Pure {@code int}
 * arithmetic, no state: safe from any thread.
 */
public final class AddressOffset {
    private final Ipv4Prefix real;
    private final Ipv4Prefix offset;
    private final int hostMask;

    /**
     * @param real the subnet the peers really live in (the LAN, e.g. 10.0.0.0/24)
     * @param offset the off-subnet network their fake addresses live in (e.g. 10.0.1.0/24)
     * @throws IllegalArgumentException if the prefix lengths differ (no one-to-one map) or the
     *     networks overlap (an address would be both real and fake)
     */
    public AddressOffset(Ipv4Prefix real, Ipv4Prefix offset) {
        if (real.length() != offset.length()) {
            throw new IllegalArgumentException("real network " + real + " and offset network "
                    + offset + " must have the same prefix length to map host to host");
        }
        if (real.overlaps(offset)) {
            throw new IllegalArgumentException("offset network " + offset
                    + " overlaps the real network " + real
                    + "; fake addresses must lie outside the real subnet to be routed into"
                    + " the TUN");
        }
        this.real = real;
        this.offset = offset;
        this.hostMask = ~real.mask();
    }

    public Ipv4Prefix real() {
        return real;
    }

    public Ipv4Prefix offset() {
        return offset;
    }

    public boolean isReal(int address) {
        return real.contains(address);
    }

    public boolean isFake(int address) {
        return offset.contains(address);
    }

    /** The fake address of a real one; only meaningful when {@link #isReal} holds. */
    public int toFake(int realAddress) {
        return offset.network() | (realAddress & hostMask);
    }

    /** The real address of a fake one; only meaningful when {@link #isFake} holds. */
    public int toReal(int fakeAddress) {
        return real.network() | (fakeAddress & hostMask);
    }
}
