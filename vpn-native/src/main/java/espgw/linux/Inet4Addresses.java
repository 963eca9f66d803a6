package espgw.linux;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IPv4 addresses as the big-endian {@code int}s espgw keeps them in (as in the IPv4 header,
 * 192.168.77.2 is 0xC0A84D02), to and from Java's {@link Inet4Address}.
 */
public final class Inet4Addresses {
    private Inet4Addresses() {
    }

    public static int toInt(Inet4Address address) {
        byte[] octets = address.getAddress();
        return (octets[0] & 0xFF) << 24 | (octets[1] & 0xFF) << 16 | (octets[2] & 0xFF) << 8 | octets[3] & 0xFF;
    }

    public static Inet4Address fromInt(int address) {
        byte[] octets = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return (Inet4Address) InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            throw new AssertionError("four octets are always an IPv4 address", e);
        }
    }
}
