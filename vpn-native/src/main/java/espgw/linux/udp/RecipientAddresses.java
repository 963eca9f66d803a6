package espgw.linux.udp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The IPv4 address of a recipient as the int sendmmsg's {@code sockaddr_in} takes. Reading it from
 * an {@link InetAddress} copies it into a new array, so it is cached per recipient object (peers
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
            addresses[slot] = ipv4(recipient.getAddress());
            recipients[slot] = recipient;
        }
        return addresses[slot];
    }

    /** An IPv4 address as an int, most significant octet first (192.168.77.2 is 0xC0A84D02). */
    static int ipv4(InetAddress address) {
        byte[] octets = ((Inet4Address) address).getAddress();
        return (octets[0] & 0xFF) << 24 | (octets[1] & 0xFF) << 16 | (octets[2] & 0xFF) << 8 | octets[3] & 0xFF;
    }

    static InetAddress inet4(int address) {
        byte[] octets = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4-byte address is always valid", e);
        }
    }
}
