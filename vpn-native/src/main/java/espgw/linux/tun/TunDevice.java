package espgw.linux.tun;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;
import espgw.linux.Inet4Addresses;
import espgw.linux.libc.Errno;
import espgw.linux.libc.IfReq;
import espgw.linux.libc.IfTun;
import espgw.linux.libc.LibC;
import espgw.linux.libc.NativeCallException;
import espgw.linux.libc.Socket;
import espgw.linux.libc.Sockios;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;

/**
 * A TUN interface created or attached through {@code /dev/net/tun}: one non-blocking,
 * close-on-exec fd per queue (IFF_TUN | IFF_NO_PI, plus IFF_MULTI_QUEUE for several queues of one
 * device), and an AF_INET datagram socket to configure the interface with ioctls.
 *
 * <p>With offloads every read and write starts with a {@link VirtioNetHeader} (IFF_VNET_HDR), and the
 * kernel hands over TCP/IPv4 super-packets of up to 64 KiB with checksums still to be completed
 * (TUNSETOFFLOAD TUN_F_CSUM | TUN_F_TSO4) and accepts such super-packets written back: one read
 * or write per ~45 MTU-sized segments instead of one each. A kernel that knows UDP segmentation
 * offload (Linux 6.2) also accepts UDP super-packets written ({@link #acceptsUdpSuperPackets()}).
 *
 * <p>The device and the control socket live in the network namespace of the thread that calls
 * {@link #open}; wrap the call in {@code NetNamespace.call} to put them elsewhere. The configuring
 * methods then work from any thread. Not thread-safe: set up from one thread.
 *
 * <p>Ownership: a {@link TunChannel} made from {@link #queue(int)} owns that fd and closes it;
 * {@link #close()} closes every queue fd still open and the control socket (closing an fd twice is
 * harmless, {@link FileDescriptor#close()} is idempotent). A non-persistent TUN interface
 * disappears when its last queue is closed.
 */
public final class TunDevice implements AutoCloseable {
    public static final String DEFAULT_PATH = "/dev/net/tun";

    static {
        // FileDescriptor's JNI methods are registered by Netty's epoll native library.
        Epoll.ensureAvailability();
    }

    private final String name;
    private final List<FileDescriptor> queues;
    private final FileDescriptor control;
    private final boolean offload;
    private final boolean acceptsUdpSuperPackets;

    private TunDevice(String name, List<FileDescriptor> queues, FileDescriptor control, boolean offload,
            boolean acceptsUdpSuperPackets) {
        this.name = name;
        this.queues = List.copyOf(queues);
        this.control = control;
        this.offload = offload;
        this.acceptsUdpSuperPackets = acceptsUdpSuperPackets;
    }

    /** Opens {@code queues} queues of interface {@code name} on {@link #DEFAULT_PATH}, without offloads. */
    public static TunDevice open(String name, int queues) throws NativeCallException {
        return open(DEFAULT_PATH, name, queues, queues > 1, false);
    }

    /** Opens {@code queues} queues of interface {@code name} on {@link #DEFAULT_PATH}, with offloads if asked. */
    public static TunDevice open(String name, int queues, boolean offload) throws NativeCallException {
        return open(DEFAULT_PATH, name, queues, queues > 1, offload);
    }

    /**
     * Creates the interface {@code name} (or attaches to it when it exists; a pattern such as
     * {@code tun%d} lets the kernel choose) and opens {@code queueCount} queues of it; with
     * {@code offload}, every packet read or written starts with a {@link VirtioNetHeader}.
     */
    public static TunDevice open(String devicePath, String name, int queueCount, boolean multiQueue,
            boolean offload) throws NativeCallException {
        if (queueCount < 1 || (queueCount > 1 && !multiQueue)) {
            throw new IllegalArgumentException(queueCount + " queues need IFF_MULTI_QUEUE, at least one queue");
        }
        short flags = (short) (IfTun.IFF_TUN | IfTun.IFF_NO_PI | (multiQueue ? IfTun.IFF_MULTI_QUEUE : 0)
                | (offload ? IfTun.IFF_VNET_HDR : 0));
        IfReq.named(name); // rejects an impossible name before anything is opened
        List<FileDescriptor> opened = new ArrayList<>(queueCount);
        try {
            String actualName = name;
            for (int i = 0; i < queueCount; i++) {
                FileDescriptor queue = openNode(devicePath);
                opened.add(queue);
                actualName = attach(queue, actualName, flags);
            }
            boolean udpSuperPackets = false;
            if (offload) {
                // Settings of the device, not of a queue: once through any queue.
                enableOffload(opened.get(0), actualName);
                udpSuperPackets = knowsUdpSegmentation(opened.get(0));
            }
            return new TunDevice(actualName, opened, openControlSocket(), offload, udpSuperPackets);
        } catch (NativeCallException | RuntimeException e) {
            opened.forEach(TunDevice::closeQuietly);
            throw e;
        }
    }

    private static FileDescriptor openNode(String path) throws NativeCallException {
        try {
            return new FileDescriptor(LibC.open(path, LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC));
        } catch (LastErrorException e) {
            String hint = switch (e.getErrorCode()) {
                case Errno.ENOENT, Errno.ENODEV -> " (the TUN device node is missing: load the tun kernel module"
                        + " or create the node with mknod " + path + " c 10 200)";
                case Errno.EPERM, Errno.EACCES -> " (not allowed to open the TUN device node: run as root"
                        + " or with CAP_NET_ADMIN)";
                default -> "";
            };
            throw NativeCallException.of("open " + path + hint, e);
        }
    }

    /** TUNSETIFF on a fresh fd; returns the interface name the kernel settled on. */
    private static String attach(FileDescriptor queue, String name, short flags) throws NativeCallException {
        IfReq ifr = IfReq.named(name).flags(flags);
        try {
            ioctl(queue.intValue(), IfTun.TUNSETIFF, ifr);
        } catch (LastErrorException e) {
            String hint = switch (e.getErrorCode()) {
                case Errno.EPERM -> " (creating or attaching a TUN interface needs CAP_NET_ADMIN)";
                case Errno.EBUSY -> " (the interface exists but is no free TUN queue with these flags:"
                        + " another process holds it, or it was created with other IFF_MULTI_QUEUE setting)";
                case Errno.EINVAL -> " (invalid interface name or flags, or a non-TUN interface has this name)";
                default -> "";
            };
            throw NativeCallException.of("TUNSETIFF " + name + hint, e);
        }
        return ifr.name();
    }

    /**
     * The header's size (no num_buffers) and byte order, then the offloads. TUNSETOFFLOAD fails
     * for flags the kernel does not know, so an old kernel says so here rather than mid-traffic.
     */
    private static void enableOffload(FileDescriptor queue, String name) throws NativeCallException {
        String step = "TUNSETVNETHDRSZ " + VirtioNetHeader.LENGTH;
        try {
            LibC.ioctl(queue.intValue(), IfTun.TUNSETVNETHDRSZ, new IntByReference(VirtioNetHeader.LENGTH).getPointer());
            step = "TUNSETVNETLE";
            LibC.ioctl(queue.intValue(), IfTun.TUNSETVNETLE, new IntByReference(1).getPointer());
            step = "TUNSETOFFLOAD TUN_F_CSUM | TUN_F_TSO4";
            LibC.ioctl(queue.intValue(), IfTun.TUNSETOFFLOAD, IfTun.TUN_F_CSUM | IfTun.TUN_F_TSO4);
        } catch (LastErrorException e) {
            throw NativeCallException.of(step + " on " + name + " (this kernel's TUN driver lacks the offloads:"
                    + " open the TUN without them)", e);
        }
    }

    /**
     * Linux 6.2 taught TUN both directions of UDP segmentation offload at once; an older kernel
     * refuses TUN_F_USO4 with EINVAL. Asking for it is the probe; the offloads are then set back
     * to those {@link #enableOffload} chose, so that reads stay free of UDP super-packets.
     */
    private static boolean knowsUdpSegmentation(FileDescriptor queue) throws NativeCallException {
        int withUso = IfTun.TUN_F_CSUM | IfTun.TUN_F_TSO4 | IfTun.TUN_F_USO4 | IfTun.TUN_F_USO6;
        try {
            LibC.ioctl(queue.intValue(), IfTun.TUNSETOFFLOAD, withUso);
        } catch (LastErrorException e) {
            return false;
        }
        try {
            LibC.ioctl(queue.intValue(), IfTun.TUNSETOFFLOAD, IfTun.TUN_F_CSUM | IfTun.TUN_F_TSO4);
        } catch (LastErrorException e) {
            throw NativeCallException.of("TUNSETOFFLOAD TUN_F_CSUM | TUN_F_TSO4 after probing for USO", e);
        }
        return true;
    }

    private static FileDescriptor openControlSocket() throws NativeCallException {
        try {
            return new FileDescriptor(Socket.socket(Socket.AF_INET, Socket.SOCK_DGRAM | Socket.SOCK_CLOEXEC, 0));
        } catch (LastErrorException e) {
            throw NativeCallException.of("socket(AF_INET, SOCK_DGRAM) to configure the TUN interface", e);
        }
    }

    public String name() {
        return name;
    }

    /** Whether every packet read from or written to a queue starts with a {@link VirtioNetHeader}. */
    public boolean offload() {
        return offload;
    }

    /**
     * Whether a queue takes UDP/IPv4 super-packets written to it (VIRTIO_NET_HDR_GSO_UDP_L4): the
     * kernel is one that knows UDP segmentation offload. Reads never carry them: the device does
     * not offer that offload to the stack, so the kernel hands over UDP datagrams one by one.
     */
    public boolean acceptsUdpSuperPackets() {
        return acceptsUdpSuperPackets;
    }

    public int queueCount() {
        return queues.size();
    }

    /** The fd of queue {@code index}; hand it to exactly one {@link TunChannel}. */
    public FileDescriptor queue(int index) {
        return queues.get(index);
    }

    public void setMtu(int mtu) throws NativeCallException {
        control("SIOCSIFMTU " + mtu, Sockios.SIOCSIFMTU, IfReq.named(name).mtu(mtu));
    }

    public int mtu() throws NativeCallException {
        IfReq ifr = IfReq.named(name).mtu(0);
        control("SIOCGIFMTU", Sockios.SIOCGIFMTU, ifr);
        return ifr.ifr_ifru.ifru_mtu;
    }

    /** Sets the interface's primary IPv4 address; the kernel adds the on-link prefix route. */
    public void setIpv4Address(Inet4Address address, int prefixLength) throws NativeCallException {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("IPv4 prefix length " + prefixLength + " is not in 0..32");
        }
        control("SIOCSIFADDR " + address.getHostAddress(), Sockios.SIOCSIFADDR, IfReq.named(name).address(address));
        Inet4Address netmask = netmask(prefixLength);
        control("SIOCSIFNETMASK " + netmask.getHostAddress(), Sockios.SIOCSIFNETMASK,
                IfReq.named(name).address(netmask));
    }

    /** Sets the link up (IFF_UP), keeping the other interface flags. */
    public void setUp() throws NativeCallException {
        IfReq ifr = IfReq.named(name).flags((short) 0);
        control("SIOCGIFFLAGS", Sockios.SIOCGIFFLAGS, ifr);
        control("SIOCSIFFLAGS up", Sockios.SIOCSIFFLAGS,
                IfReq.named(name).flags((short) (ifr.ifr_ifru.ifru_flags | IfReq.IFF_UP)));
    }

    private void control(String what, long request, IfReq ifr) throws NativeCallException {
        try {
            ioctl(control.intValue(), request, ifr);
        } catch (LastErrorException e) {
            String hint = e.getErrorCode() == Errno.EPERM ? " (configuring an interface needs CAP_NET_ADMIN)" : "";
            throw NativeCallException.of(what + " on " + name + hint, e);
        }
    }

    private static void ioctl(int fd, long request, IfReq ifr) {
        ifr.write();
        LibC.ioctl(fd, request, ifr.getPointer());
        ifr.read();
    }

    private static Inet4Address netmask(int prefixLength) {
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        return Inet4Addresses.fromInt(mask);
    }

    @Override
    public void close() {
        queues.forEach(TunDevice::closeQuietly);
        closeQuietly(control);
    }

    /** Closing can only fail with EBADF (already closed) or EINTR (closed anyway) on Linux. */
    private static void closeQuietly(FileDescriptor fd) {
        try {
            fd.close();
        } catch (IOException ignored) {
            // nothing to undo: the fd is released either way
        }
    }
}
