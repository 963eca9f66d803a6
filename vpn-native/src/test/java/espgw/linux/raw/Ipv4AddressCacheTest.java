package espgw.linux.raw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class Ipv4AddressCacheTest {
    @Test
    void returnsTheSameObjectForARepeatedAddress() {
        Ipv4AddressCache cache = new Ipv4AddressCache();
        InetAddress first = cache.get(EspTestPackets.address(192, 168, 77, 2));
        assertSame(first, cache.get(EspTestPackets.address(192, 168, 77, 2)));
        assertEquals("192.168.77.2", first.getHostAddress());
    }

    @Test
    void neverAnswersWithAnotherAddressWhenSlotsCollide() {
        Ipv4AddressCache cache = new Ipv4AddressCache();
        // Far more addresses than slots, twice over, so that many share a slot.
        for (int round = 0; round < 2; round++) {
            for (int address = 0; address < 4096; address++) {
                int value = address * 7919;
                assertArrayEquals(ByteBuffer.allocate(4).putInt(value).array(), cache.get(value).getAddress());
            }
        }
    }
}
