package espgw.linux.libc;

/** {@code linux/sockios.h}: the interface ioctls espgw configures a device with. */
public final class Sockios {
    public static final long SIOCGIFFLAGS = 0x8913;
    public static final long SIOCSIFFLAGS = 0x8914;
    public static final long SIOCSIFADDR = 0x8916;
    public static final long SIOCSIFNETMASK = 0x891c;
    public static final long SIOCGIFMTU = 0x8921;
    public static final long SIOCSIFMTU = 0x8922;

    private Sockios() {
    }
}
