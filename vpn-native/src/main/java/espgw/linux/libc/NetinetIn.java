package espgw.linux.libc;

/**
 * {@code netinet/in.h}: the IP protocol numbers and IP-level socket options espgw uses. Constants
 * only; the calls that take them are in {@link Socket}.
 */
public final class NetinetIn {
    /** Protocol level of IP options in setsockopt(2). */
    public static final int IPPROTO_IP = 0;
    /** Encapsulating Security Payload, RFC 4303. */
    public static final int IPPROTO_ESP = 50;

    /** The application supplies the IPv4 header of every packet it sends on a raw socket. */
    public static final int IP_HDRINCL = 3;

    private NetinetIn() {
    }
}
