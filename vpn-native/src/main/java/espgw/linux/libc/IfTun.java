package espgw.linux.libc;

/**
 * {@code linux/if_tun.h}: the TUN ioctls and the flags espgw opens and configures TUN queues with.
 */
public final class IfTun {
    /** {@code _IOW('T', 202, int)}: create or attach the TUN device named in a {@link IfReq}. */
    public static final long TUNSETIFF = 0x400454caL;
    /** {@code _IOW('T', 208, unsigned int)}: the offloads userspace accepts, {@code TUN_F_*} as the argument. */
    public static final long TUNSETOFFLOAD = 0x400454d0L;
    /** {@code _IOW('T', 216, int)}: the size of the header in front of every packet, by pointer. */
    public static final long TUNSETVNETHDRSZ = 0x400454d8L;
    /** {@code _IOW('T', 220, int)}: non-zero (by pointer) makes that header little-endian on every host. */
    public static final long TUNSETVNETLE = 0x400454dcL;

    /** Layer-3 device: every read and write is one IP packet. */
    public static final short IFF_TUN = 0x0001;
    /** No 4-byte packet-information prefix: the IP header starts at the first byte. */
    public static final short IFF_NO_PI = 0x1000;
    /** Each open of the device is one more queue; the kernel spreads flows over them. */
    public static final short IFF_MULTI_QUEUE = 0x0100;
    /** Every read and write starts with a {@code struct virtio_net_hdr} (offload metadata). */
    public static final short IFF_VNET_HDR = 0x4000;

    /** TUNSETOFFLOAD: userspace can take packets whose checksum is still to be completed. */
    public static final int TUN_F_CSUM = 0x01;
    /** TUNSETOFFLOAD: userspace can take TCP/IPv4 super-packets and segments them itself (TSO). */
    public static final int TUN_F_TSO4 = 0x02;
    /** TUNSETOFFLOAD: userspace can take UDP/IPv4 super-packets (USO, Linux 6.2); only together with TUN_F_USO6. */
    public static final int TUN_F_USO4 = 0x20;
    /** TUNSETOFFLOAD: userspace can take UDP/IPv6 super-packets (USO, Linux 6.2); only together with TUN_F_USO4. */
    public static final int TUN_F_USO6 = 0x40;

    private IfTun() {
    }
}
