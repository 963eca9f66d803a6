package espgw.linux.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** struct ifreq's layout as the kernel reads it on 64-bit Linux: 16-byte name, union at offset 16. */
class IfReqTest {
    @Test
    void hasTheKernelsSizeAndOffsets() throws Exception {
        assertEquals(40, new IfReq().size());
        assertEquals(16, new SockaddrIn().size());

        IfReq mtu = IfReq.named("tun0").mtu(1400);
        mtu.write();
        assertEquals('t', mtu.getPointer().getByte(0));
        assertEquals(0, mtu.getPointer().getByte(4));
        assertEquals(1400, mtu.getPointer().getInt(16));

        IfReq flags = IfReq.named("tun0").flags((short) 0x1001);
        flags.write();
        assertEquals(0x1001, flags.getPointer().getShort(16));

        IfReq address = IfReq.named("tun0").address((Inet4Address) InetAddress.getByName("10.77.0.1"));
        address.write();
        assertEquals(Socket.AF_INET, address.getPointer().getShort(16));
        assertEquals(10, address.getPointer().getByte(20));
        assertEquals(77, address.getPointer().getByte(21));
        assertEquals(1, address.getPointer().getByte(23));
    }

    @Test
    void readsBackTheNameTheKernelChose() {
        IfReq ifr = IfReq.named("tun%d");
        ifr.getPointer().setString(0, "tun7", "US-ASCII");
        ifr.read();
        assertEquals("tun7", ifr.name());
    }

    @Test
    void rejectsNamesTheKernelCannotHold() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IfReq.named("a-name-longer-than-15"));
        assertEquals("interface name 'a-name-longer-than-15' must be 1 to 15 ASCII characters", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> IfReq.named(""));
    }
}
