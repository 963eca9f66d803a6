package espgw.sa;

import espgw.linux.Inet4Addresses;
import io.netty.util.collection.IntObjectHashMap;

/**
 * The SAs in force: inbound ones by SPI, outbound ones by peer address. Packet threads look up
 * in O(1) through primitive-keyed maps (no boxing, no lock); control threads install and remove
 * SAs by building a new map and publishing it through a volatile field (copy-on-write), so a
 * reader always sees a complete, immutable snapshot. Updates are rare (rekeys), lookups per packet.
 */
public final class SaDatabase {
    private volatile IntObjectHashMap<SecurityAssociation> inbound = new IntObjectHashMap<>();
    private volatile IntObjectHashMap<SecurityAssociation> outbound = new IntObjectHashMap<>();

    /** The inbound SA with this SPI, or null. */
    public SecurityAssociation inbound(int spi) {
        return inbound.get(spi);
    }

    /** The outbound SA towards this IPv4 address (as a big-endian int), or null. */
    public SecurityAssociation outbound(int peerAddress) {
        return outbound.get(peerAddress);
    }

    /**
     * Installs an SA, replacing one with the same SPI (inbound) or peer (outbound). The new
     * outbound SA takes over at once; the old inbound one stays only if its SPI differs, so
     * packets still in flight under it keep decrypting until {@link #remove} (RFC 7296 §2.8).
     */
    public synchronized void install(SecurityAssociation sa) {
        if (sa.direction() == Direction.INBOUND) {
            IntObjectHashMap<SecurityAssociation> next = copy(inbound);
            next.put(sa.spi(), sa);
            inbound = next;
        } else {
            if (sa.peer() == null) {
                throw new IllegalArgumentException("an outbound SA needs a peer address: " + sa);
            }
            IntObjectHashMap<SecurityAssociation> next = copy(outbound);
            next.put(Inet4Addresses.toInt(sa.peer()), sa);
            outbound = next;
        }
    }

    /** Removes this SA if it is installed (an SA that was already replaced stays replaced). */
    public synchronized void remove(SecurityAssociation sa) {
        if (sa.direction() == Direction.INBOUND) {
            if (inbound.get(sa.spi()) == sa) {
                IntObjectHashMap<SecurityAssociation> next = copy(inbound);
                next.remove(sa.spi());
                inbound = next;
            }
        } else if (sa.peer() != null && outbound.get(Inet4Addresses.toInt(sa.peer())) == sa) {
            IntObjectHashMap<SecurityAssociation> next = copy(outbound);
            next.remove(Inet4Addresses.toInt(sa.peer()));
            outbound = next;
        }
    }

    private static IntObjectHashMap<SecurityAssociation> copy(IntObjectHashMap<SecurityAssociation> map) {
        IntObjectHashMap<SecurityAssociation> next = new IntObjectHashMap<>(Math.max(8, map.size() * 2));
        next.putAll(map);
        return next;
    }
}
