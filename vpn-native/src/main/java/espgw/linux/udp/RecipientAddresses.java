package espgw.linux.udp;

import espgw.linux.Inet4Addresses;
import java.net.Inet4Address;
import java.net.InetSocketAddress;

/**
 * The IPv4 address of a recipient as the int sendmmsg's {@code sockaddr_in} takes. Reading it from
 * an {@link java.net.InetAddress} copies it into a new array, so it is cached per recipient object (peers
 * keep theirs): direct-mapped by identity, a collision replaces the slot and costs one read, never
 * a wrong address. Not thread-safe: one per channel, used on its event loop.
 */
final class RecipientAddresses {
    private static final int SLOT_BITS = 4;

    private final InetSocketAddress[] recipients = new InetSocketAddress[1 << SLOT_BITS];
    private final int[] addresses = new int[1 << SLOT_BITS];

    int ipv4(InetSocketAddress recipient) {
        int slot = System.identityHashCode(recipient) & ((1 << SLOT_BITS) - 1);
        if (recipients[slot] != recipient) {
            addresses[slot] = Inet4Addresses.toInt((Inet4Address) recipient.getAddress());
            recipients[slot] = recipient;
        }
        return addresses[slot];
    }
}
