package espgw.linux.libc;

import com.sun.jna.Structure;
import com.sun.jna.Union;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;

/**
 * {@code net/if.h} {@code struct ifreq} (40 bytes on 64-bit Linux): an interface name followed by
 * the one union member the ioctl at hand reads or writes. Also home of the {@code net/if.h}
 * constants. Setup only: one instance per ioctl call is fine.
 */
@Structure.FieldOrder({"ifr_name", "ifr_ifru"})
public final class IfReq extends Structure {
    /** Interface names hold at most IFNAMSIZ - 1 bytes plus the terminating NUL. */
    public static final int IFNAMSIZ = 16;
    public static final short IFF_UP = 0x1;

    public byte[] ifr_name = new byte[IFNAMSIZ];
    public Ifru ifr_ifru = new Ifru();

    /** The request-specific part; {@code ifru_map} is the largest member and fixes its size. */
    @Structure.FieldOrder({"ifru_addr", "ifru_flags", "ifru_mtu", "ifru_map"})
    public static final class Ifru extends Union {
        public SockaddrIn ifru_addr;
        public short ifru_flags;
        public int ifru_mtu;
        /** {@code struct ifmap}: two longs, a short and three chars, padded to 24 bytes. */
        public byte[] ifru_map = new byte[24];
    }

    /** An ifreq for interface {@code name}; rejects names the kernel could never accept. */
    public static IfReq named(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length == 0 || bytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name '" + name + "' must be 1 to "
                    + (IFNAMSIZ - 1) + " ASCII characters");
        }
        IfReq ifr = new IfReq();
        System.arraycopy(bytes, 0, ifr.ifr_name, 0, bytes.length);
        return ifr;
    }

    /** The name as the kernel left it (TUNSETIFF fills in a pattern such as {@code tun%d}). */
    public String name() {
        int length = 0;
        while (length < IFNAMSIZ && ifr_name[length] != 0) {
            length++;
        }
        return new String(ifr_name, 0, length, StandardCharsets.US_ASCII);
    }

    public IfReq flags(short flags) {
        ifr_ifru.setType(short.class);
        ifr_ifru.ifru_flags = flags;
        return this;
    }

    public IfReq mtu(int mtu) {
        ifr_ifru.setType(int.class);
        ifr_ifru.ifru_mtu = mtu;
        return this;
    }

    public IfReq address(Inet4Address address) {
        ifr_ifru.setType(SockaddrIn.class);
        ifr_ifru.ifru_addr = new SockaddrIn();
        ifr_ifru.ifru_addr.set(address);
        return this;
    }
}
