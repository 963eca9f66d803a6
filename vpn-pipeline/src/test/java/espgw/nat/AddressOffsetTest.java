package espgw.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AddressOffsetTest {
    private static int ip(String dotted) {
        return Ipv4Prefix.parseAddress(dotted);
    }

    @Test
    void keepsTheHostBitsAndSwapsThePrefix() {
        AddressOffset offset = NatTesting.OFFSET;
        assertTrue(offset.isReal(ip("10.0.0.160")));
        assertFalse(offset.isFake(ip("10.0.0.160")));
        assertEquals(ip("10.0.1.160"), offset.toFake(ip("10.0.0.160")));
        assertTrue(offset.isFake(ip("10.0.1.160")));
        assertEquals(ip("10.0.0.160"), offset.toReal(ip("10.0.1.160")));
        assertFalse(offset.isReal(ip("10.1.2.5")));
        assertFalse(offset.isFake(ip("10.1.2.5")));
    }

    @Test
    void mapsEveryHostOneToOneAndBack() {
        AddressOffset offset = new AddressOffset(Ipv4Prefix.parse("192.168.0.0/20"),
                Ipv4Prefix.parse("172.16.16.0/20"));
        for (int host = 0; host < 4096; host++) {
            int real = ip("192.168.0.0") + host;
            int fake = offset.toFake(real);
            assertEquals(ip("172.16.16.0") + host, fake);
            assertTrue(offset.isFake(fake));
            assertEquals(real, offset.toReal(fake));
        }
    }

    @Test
    void rejectsDifferentPrefixLengths() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AddressOffset(Ipv4Prefix.parse("10.0.0.0/24"), Ipv4Prefix.parse("10.0.2.0/23")));
        assertTrue(e.getMessage().contains("same prefix length"), e.getMessage());
    }

    @Test
    void rejectsOverlappingNetworks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AddressOffset(Ipv4Prefix.parse("10.0.0.0/24"), Ipv4Prefix.parse("10.0.0.0/24")));
        assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
    }
}
