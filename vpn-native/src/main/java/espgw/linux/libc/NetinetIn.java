package espgw.linux.libc;

/**
 * {@code netinet/in.h}: the IP protocol numbers and IP-level socket options espgw uses, and the
 * UDP-level ones of {@code linux/udp.h}. Constants only; the calls that take them are in
 * {@link Socket} and {@link MessageVector}.
 */
public final class NetinetIn {
    /** Protocol level of IP options in setsockopt(2). */
    public static final int IPPROTO_IP = 0;
    /** Encapsulating Security Payload, RFC 4303. */
    public static final int IPPROTO_ESP = 50;
    /** UDP, and the protocol level of UDP options (SOL_UDP). */
    public static final int IPPROTO_UDP = 17;

    /** The application supplies the IPv4 header of every packet it sends on a raw socket. */
    public static final int IP_HDRINCL = 3;

    /** The kernel cuts what is sent into datagrams of this size (GSO); a control message per send. */
    public static final int UDP_SEGMENT = 103;
    /** The kernel may hand over a run of datagrams as one, with their size in a control message. */
    public static final int UDP_GRO = 104;

    private NetinetIn() {
    }
}
