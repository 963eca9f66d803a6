package espgw.linux.libc;

import com.sun.jna.Structure;
import java.net.Inet4Address;

/** {@code netinet/in.h} {@code struct sockaddr_in}: 16 bytes, port and address in network order. */
@Structure.FieldOrder({"sin_family", "sin_port", "sin_addr", "sin_zero"})
public final class SockaddrIn extends Structure {
    public short sin_family;
    public byte[] sin_port = new byte[2];
    public byte[] sin_addr = new byte[4];
    public byte[] sin_zero = new byte[8];

    /** Sets an AF_INET address with port 0, as the SIOCSIF* address ioctls expect. */
    public void set(Inet4Address address) {
        sin_family = Socket.AF_INET;
        System.arraycopy(address.getAddress(), 0, sin_addr, 0, 4);
    }
}
