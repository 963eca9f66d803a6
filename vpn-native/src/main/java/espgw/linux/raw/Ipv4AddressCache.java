package espgw.linux.raw;

import espgw.linux.Inet4Addresses;
import java.net.InetAddress;

/**
 * Maps a destination address (an int from the IPv4 header) to the {@link InetAddress} Netty's
 * sendto wants, so sending allocates nothing once a peer has been seen. Direct-mapped: a collision
 * replaces the slot and costs one allocation, never a wrong address. Not thread-safe: one per
 * channel, used on its event loop.
 */
final class Ipv4AddressCache {
    private static final int SLOT_BITS = 8;
    private static final int FIBONACCI_HASH = 0x9E3779B9;

    private final int[] addresses = new int[1 << SLOT_BITS];
    private final InetAddress[] inetAddresses = new InetAddress[1 << SLOT_BITS];

    InetAddress get(int address) {
        int slot = (address * FIBONACCI_HASH) >>> (Integer.SIZE - SLOT_BITS);
        InetAddress cached = inetAddresses[slot];
        if (cached != null && addresses[slot] == address) {
            return cached;
        }
        InetAddress created = Inet4Addresses.fromInt(address);
        addresses[slot] = address;
        inetAddresses[slot] = created;
        return created;
    }
}
