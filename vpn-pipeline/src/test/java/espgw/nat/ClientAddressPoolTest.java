package espgw.nat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClientAddressPoolTest {
    private static final int FIRST = Ipv4Prefix.parseAddress("100.64.0.1");

    @Test
    void bindsEachClientOnceAndFindsItBothWays() {
        ClientAddressPool pool = new ClientAddressPool(Ipv4Prefix.parse("100.64.0.0/16"));
        ClientAddressPool.Binding a = pool.bind("a", 0x0A0000A1);
        ClientAddressPool.Binding b = pool.bind("b", 0x0A0000A1);
        assertEquals(FIRST, a.fakeAddress());
        assertEquals(FIRST + 1, b.fakeAddress());
        assertSame(a, pool.bind("a", 0x0A0000A1), "stable while the client lives");
        assertSame(a, pool.bindingOf("a", 0x0A0000A1));
        assertSame(b, pool.bindingOfFake(FIRST + 1));
        assertEquals("b", pool.bindingOfFake(FIRST + 1).client());
        assertEquals(0x0A0000A1, b.realAddress());
        assertNull(pool.bindingOf("c", 0x0A0000A1));
        assertNull(pool.bindingOfFake(FIRST + 2));
        assertTrue(pool.contains(FIRST + 2));
        assertEquals(2, pool.size());
    }

    @Test
    void exhaustsThenReusesAReleasedAddress() {
        ClientAddressPool pool = new ClientAddressPool(Ipv4Prefix.parse("100.64.0.0/30"));
        int first = pool.bind("a", 1).fakeAddress();
        int second = pool.bind("b", 2).fakeAddress();
        assertNotEquals(first, second);
        assertNull(pool.bind("c", 3), "only the two host addresses of a /30 are handed out");
        pool.release("a");
        assertNull(pool.bindingOf("a", 1));
        assertNull(pool.bindingOfFake(first));
        assertEquals(first, pool.bind("c", 3).fakeAddress());
        pool.release("nobody");
        assertEquals(2, pool.size());
    }

    @Test
    void handsFreedAddressesOutLast() {
        ClientAddressPool pool = new ClientAddressPool(Ipv4Prefix.parse("100.64.0.0/29"));
        int a = pool.bind("a", 1).fakeAddress();
        pool.bind("b", 2);
        pool.release("a");
        int c = pool.bind("c", 3).fakeAddress();
        assertNotEquals(a, c, "a just-freed address waits until the others were used");
    }

    @Test
    void rejectsPoolsTooSmallOrTooLarge() {
        assertThrows(IllegalArgumentException.class,
                () -> new ClientAddressPool(Ipv4Prefix.parse("100.64.0.0/31")));
        assertThrows(IllegalArgumentException.class,
                () -> new ClientAddressPool(Ipv4Prefix.parse("64.0.0.0/2")));
    }
}
