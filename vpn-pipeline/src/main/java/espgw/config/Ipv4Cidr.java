package espgw.config;

/**
 * An IPv4 address with a prefix length, as written in configs ({@code 10.0.0.161/24}). The address
 * keeps its host bits; {@link #network()} drops them.
 */
public record Ipv4Cidr(int address, int prefixLength) {
    public Ipv4Cidr {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is not in 0..32");
        }
    }

    /** Parses {@code a.b.c.d/len}, or {@code a.b.c.d} as a /32. */
    public static Ipv4Cidr parse(String text) {
        int slash = text.indexOf('/');
        int address = parseAddress(slash < 0 ? text : text.substring(0, slash));
        if (slash < 0) {
            return new Ipv4Cidr(address, 32);
        }
        String length = text.substring(slash + 1);
        try {
            return new Ipv4Cidr(address, Integer.parseInt(length));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + length + "' is not a prefix length");
        }
    }

    public static int parseAddress(String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (a.b.c.d)");
        }
        int address = 0;
        for (String part : parts) {
            int octet;
            try {
                octet = part.isEmpty() || part.length() > 3 ? -1 : Integer.parseInt(part);
            } catch (NumberFormatException e) {
                octet = -1;
            }
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address (a.b.c.d)");
            }
            address = address << 8 | octet;
        }
        return address;
    }

    public static String format(int address) {
        return (address >>> 24) + "." + (address >>> 16 & 0xff) + "." + (address >>> 8 & 0xff) + "." + (address & 0xff);
    }

    public int mask() {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    public Ipv4Cidr network() {
        return new Ipv4Cidr(address & mask(), prefixLength);
    }

    public boolean contains(int other) {
        return (other & mask()) == (address & mask());
    }

    public boolean overlaps(Ipv4Cidr other) {
        int shorter = Math.min(prefixLength, other.prefixLength);
        int mask = shorter == 0 ? 0 : -1 << (32 - shorter);
        return (address & mask) == (other.address & mask);
    }

    /** The number of addresses in the network, as a long so that /0 fits. */
    public long size() {
        return 1L << (32 - prefixLength);
    }

    @Override
    public String toString() {
        return format(address) + "/" + prefixLength;
    }
}
