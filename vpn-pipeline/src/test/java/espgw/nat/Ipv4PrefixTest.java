package espgw.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Ipv4PrefixTest {

    @Test
    void parsesAndFormats() {
        Ipv4Prefix prefix = Ipv4Prefix.parse("100.64.0.0/10");
        assertEquals(0x64400000, prefix.network());
        assertEquals(10, prefix.length());
        assertEquals(0xFFC00000, prefix.mask());
        assertEquals(1L << 22, prefix.size());
        assertEquals("100.64.0.0/10", prefix.toString());
        assertTrue(prefix.contains(Ipv4Prefix.parseAddress("100.127.255.255")));
        assertFalse(prefix.contains(Ipv4Prefix.parseAddress("100.128.0.0")));
        assertEquals("255.255.255.255", Ipv4Prefix.format(-1));
        assertTrue(Ipv4Prefix.parse("0.0.0.0/0").contains(0x01020304));
        assertEquals(1, Ipv4Prefix.parse("10.0.0.1/32").size());
    }

    @Test
    void overlap() {
        Ipv4Prefix wide = Ipv4Prefix.parse("10.0.0.0/16");
        assertTrue(wide.overlaps(Ipv4Prefix.parse("10.0.1.0/24")));
        assertTrue(Ipv4Prefix.parse("10.0.1.0/24").overlaps(wide));
        assertFalse(Ipv4Prefix.parse("10.0.0.0/24").overlaps(Ipv4Prefix.parse("10.0.1.0/24")));
    }

    @Test
    void rejectsWithAMessageThatSaysWhy() {
        IllegalArgumentException hostBits = assertThrows(IllegalArgumentException.class,
                () -> Ipv4Prefix.parse("10.0.0.5/24"));
        assertTrue(hostBits.getMessage().contains("the network is 10.0.0.0/24"), hostBits.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("10.0.0.0"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("10.0.0.0/x"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("10.0.0/8"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("10.0.0.256/32"));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Prefix.parse("10.0.a.0/24"));
    }
}
