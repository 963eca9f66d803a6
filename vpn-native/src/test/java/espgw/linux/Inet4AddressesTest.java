package espgw.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class Inet4AddressesTest {
    @Test
    void mostSignificantOctetFirst() throws Exception {
        Inet4Address address = (Inet4Address) InetAddress.getByName("192.168.77.2");
        assertEquals(0xC0A84D02, Inet4Addresses.toInt(address));
        assertEquals(address, Inet4Addresses.fromInt(0xC0A84D02));
    }

    @Test
    void octetsAbove127StayUnsigned() throws Exception {
        Inet4Address broadcast = (Inet4Address) InetAddress.getByName("255.255.255.255");
        assertEquals(-1, Inet4Addresses.toInt(broadcast));
        assertEquals("255.255.255.255", Inet4Addresses.fromInt(-1).getHostAddress());
        assertEquals("0.0.0.0", Inet4Addresses.fromInt(0).getHostAddress());
    }
}
