package espgw.ike.message;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One Traffic Selector (RFC 7296 §3.13.1): an address range, a port range and an IP protocol
 * (0 = any). espgw speaks TS_IPV4_ADDR_RANGE; TS_IPV6_ADDR_RANGE is decoded so a peer offering it
 * can be answered, never chosen.
 *
 * <pre>
 *  |   TS Type     |IP Protocol ID*|       Selector Length         |
 *  |           Start Port*         |           End Port*           |
 *  ~                         Starting Address*                     ~
 *  ~                         Ending Address*                       ~
 * </pre>
 */
public record TrafficSelector(int tsType, int ipProtocol, int startPort, int endPort, byte[] startAddress,
        byte[] endAddress) {
    /** §3.13.1 TS Type values. */
    public static final int TS_IPV4_ADDR_RANGE = 7;
    public static final int TS_IPV6_ADDR_RANGE = 8;
    /** §3.13.1: IP Protocol ID 0 means any protocol. */
    public static final int ANY_PROTOCOL = 0;
    public static final int MAX_PORT = 65535;
    private static final int HEADER_LENGTH = 8;

    public TrafficSelector {
        int addressLength = tsType == TS_IPV4_ADDR_RANGE ? 4 : tsType == TS_IPV6_ADDR_RANGE ? 16 : -1;
        if (startAddress.length != addressLength || endAddress.length != addressLength) {
            throw new IllegalArgumentException("TS type " + tsType + " with addresses of " + startAddress.length
                    + " and " + endAddress.length + " octets");
        }
        startAddress = startAddress.clone();
        endAddress = endAddress.clone();
    }

    /** Every port and protocol between two IPv4 addresses (inclusive). */
    public static TrafficSelector ipv4Range(Inet4Address start, Inet4Address end) {
        return new TrafficSelector(TS_IPV4_ADDR_RANGE, ANY_PROTOCOL, 0, MAX_PORT, start.getAddress(), end.getAddress());
    }

    /** Every port and protocol of an IPv4 network given as a big-endian address and prefix length. */
    public static TrafficSelector ipv4Prefix(int network, int prefixLength) {
        int hostMask = prefixLength == 0 ? -1 : (1 << (32 - prefixLength)) - 1;
        return new TrafficSelector(TS_IPV4_ADDR_RANGE, ANY_PROTOCOL, 0, MAX_PORT, bytes(network & ~hostMask),
                bytes(network | hostMask));
    }

    @Override
    public byte[] startAddress() {
        return startAddress.clone();
    }

    @Override
    public byte[] endAddress() {
        return endAddress.clone();
    }

    /** True when every packet this selector matches is also matched by {@code outer}. */
    public boolean within(TrafficSelector outer) {
        return tsType == outer.tsType
                && (outer.ipProtocol == ANY_PROTOCOL || outer.ipProtocol == ipProtocol)
                && startPort >= outer.startPort && endPort <= outer.endPort
                && compareUnsigned(startAddress, outer.startAddress) >= 0
                && compareUnsigned(endAddress, outer.endAddress) <= 0;
    }

    static TrafficSelector decode(BodyReader in) throws IkeProtocolException {
        int type = in.u8("TS Type");
        int protocol = in.u8("IP Protocol ID");
        int length = in.u16("Selector Length");
        int addressLength = type == TS_IPV4_ADDR_RANGE ? 4 : type == TS_IPV6_ADDR_RANGE ? 16 : -1;
        if (addressLength < 0) {
            // §3.13.1 allows other types to exist; without their layout the payload cannot be read on.
            throw IkeProtocolException.invalidSyntax("unknown TS Type " + type);
        }
        if (length != HEADER_LENGTH + 2 * addressLength) {
            throw IkeProtocolException.invalidSyntax("Selector Length " + length + " for TS Type " + type);
        }
        int startPort = in.u16("Start Port");
        int endPort = in.u16("End Port");
        byte[] start = in.bytes(addressLength, "Starting Address");
        byte[] end = in.bytes(addressLength, "Ending Address");
        return new TrafficSelector(type, protocol, startPort, endPort, start, end);
    }

    void encode(ByteBuf out) {
        out.writeByte(tsType).writeByte(ipProtocol).writeShort(HEADER_LENGTH + 2 * startAddress.length)
                .writeShort(startPort).writeShort(endPort).writeBytes(startAddress).writeBytes(endAddress);
    }

    private static int compareUnsigned(byte[] a, byte[] b) {
        for (int i = 0; i < a.length; i++) {
            int diff = (a[i] & 0xFF) - (b[i] & 0xFF);
            if (diff != 0) {
                return diff;
            }
        }
        return 0;
    }

    private static byte[] bytes(int address) {
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrafficSelector t && tsType == t.tsType && ipProtocol == t.ipProtocol
                && startPort == t.startPort && endPort == t.endPort
                && Arrays.equals(startAddress, t.startAddress)
                && Arrays.equals(endAddress, t.endAddress);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(startAddress) * 31 + Arrays.hashCode(endAddress);
    }

    @Override
    public String toString() {
        try {
            String range = InetAddress.getByAddress(startAddress).getHostAddress() + "-"
                    + InetAddress.getByAddress(endAddress).getHostAddress();
            String ports = startPort == 0 && endPort == MAX_PORT ? "" : "[" + startPort + "-" + endPort + "]";
            return range + (ipProtocol == ANY_PROTOCOL ? "" : " proto " + ipProtocol) + ports;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address lengths are checked on construction", e);
        }
    }
}
