package espgw.nat;

/**
 * An IPv4 network in CIDR notation (RFC 4632 §3.1), addresses as big-endian {@code int}s. The
 * network address must have no host bits set, so a typo like {@code 10.0.0.5/24} fails loudly
 * instead of silently meaning {@code 10.0.0.0/24}.
 */
public final class Ipv4Prefix {
    private final int network;
    private final int length;
    private final int mask;

    private Ipv4Prefix(int network, int length) {
        this.network = network;
        this.length = length;
        this.mask = maskOf(length);
    }

    public static Ipv4Prefix of(int network, int length) {
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("prefix length " + length + " is outside 0..32");
        }
        int hostBits = network & ~maskOf(length);
        if (hostBits != 0) {
            throw new IllegalArgumentException(format(network) + "/" + length
                    + " has host bits set; the network is " + format(network & maskOf(length))
                    + "/" + length);
        }
        return new Ipv4Prefix(network, length);
    }

    /** Parses {@code a.b.c.d/n}. */
    public static Ipv4Prefix parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + cidr + "' is not in a.b.c.d/length form");
        }
        int length;
        try {
            length = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + cidr + "' has no numeric prefix length", e);
        }
        return of(parseAddress(cidr.substring(0, slash)), length);
    }

    /** Parses a dotted-quad IPv4 address into a big-endian {@code int}. */
    public static int parseAddress(String dotted) {
        String notDottedQuad = "'" + dotted + "' is not a dotted-quad IPv4 address";
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException(notDottedQuad);
        }
        int address = 0;
        for (String part : parts) {
            int octet;
            try {
                octet = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(notDottedQuad, e);
            }
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("'" + dotted + "' has an octet outside 0..255");
            }
            address = address << 8 | octet;
        }
        return address;
    }

    public static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xFF) + "." + (address >>> 8 & 0xFF)
                + "." + (address & 0xFF);
    }

    private static int maskOf(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    public int network() {
        return network;
    }

    public int length() {
        return length;
    }

    /** The netmask as an {@code int}: {@code length} leading one bits. */
    public int mask() {
        return mask;
    }

    /** Number of addresses, host bits all zero and all one included. */
    public long size() {
        return 1L << (32 - length);
    }

    public boolean contains(int address) {
        return (address & mask) == network;
    }

    public boolean overlaps(Ipv4Prefix other) {
        int shorter = Math.min(length, other.length);
        int commonMask = maskOf(shorter);
        return (network & commonMask) == (other.network & commonMask);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4Prefix && ((Ipv4Prefix) o).network == network
                && ((Ipv4Prefix) o).length == length;
    }

    @Override
    public int hashCode() {
        return network * 31 + length;
    }

    @Override
    public String toString() {
        return format(network) + "/" + length;
    }
}
