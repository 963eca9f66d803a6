package espgw.linux.libc;

/** {@code linux/if_tun.h}: the TUNSETIFF request and the flags espgw opens TUN queues with. */
public final class IfTun {
    /** {@code _IOW('T', 202, int)}: create or attach the TUN device named in a {@link IfReq}. */
    public static final long TUNSETIFF = 0x400454caL;

    /** Layer-3 device: every read and write is one IP packet. */
    public static final short IFF_TUN = 0x0001;
    /** No 4-byte packet-information prefix: the IP header starts at the first byte. */
    public static final short IFF_NO_PI = 0x1000;
    /** Each open of the device is one more queue; the kernel spreads flows over them. */
    public static final short IFF_MULTI_QUEUE = 0x0100;

    private IfTun() {
    }
}
