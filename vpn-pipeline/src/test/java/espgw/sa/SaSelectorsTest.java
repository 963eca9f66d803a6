package espgw.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.nat.Ipv4Prefix;
import org.junit.jupiter.api.Test;

class SaSelectorsTest {
    private static int a(String dotted) {
        return Ipv4Prefix.parseAddress(dotted);
    }

    @Test
    void rangesAreInclusiveAndUnsigned() {
        // Above 128.0.0.0 a big-endian int is negative: the compare must still be unsigned.
        SaSelectors selectors = SaSelectors.builder().source(a("10.0.0.5"), a("10.0.0.9"))
                .source(a("192.168.0.0"), a("192.168.255.255")).destination(a("127.255.255.255"), a("128.0.0.1"))
                .build();
        for (String source : new String[] {"10.0.0.5", "10.0.0.9", "192.168.0.0", "192.168.77.1", "192.168.255.255"}) {
            assertTrue(selectors.admits(a(source), a("128.0.0.0")), source);
        }
        for (String source : new String[] {"10.0.0.4", "10.0.0.10", "192.167.255.255", "192.169.0.0", "0.0.0.0",
                "255.255.255.255"}) {
            assertFalse(selectors.admits(a(source), a("128.0.0.0")), source);
        }
        assertTrue(selectors.admits(a("10.0.0.5"), a("127.255.255.255")));
        assertTrue(selectors.admits(a("10.0.0.5"), a("128.0.0.1")));
        assertFalse(selectors.admits(a("10.0.0.5"), a("127.255.255.254")));
        assertFalse(selectors.admits(a("10.0.0.5"), a("128.0.0.2")));
    }

    @Test
    void anyAdmitsEverythingAndNoRangeAdmitsNothing() {
        for (String address : new String[] {"0.0.0.0", "127.255.255.255", "128.0.0.0", "255.255.255.255"}) {
            assertTrue(SaSelectors.ANY.admits(a(address), a(address)), address);
        }
        SaSelectors noDestination = SaSelectors.builder().source(0, -1).build();
        assertFalse(noDestination.admits(a("10.0.0.1"), a("10.0.0.2")));
    }

    @Test
    void aReversedRangeIsRefusedAndTheTextShowsTheRanges() {
        assertThrows(IllegalArgumentException.class, () -> SaSelectors.builder().source(a("10.0.0.9"), a("10.0.0.5")));
        assertEquals("SaSelectors[{10.0.0.5-10.0.0.9} -> {0.0.0.0-255.255.255.255}]",
                SaSelectors.builder().source(a("10.0.0.5"), a("10.0.0.9")).destination(0, -1).build().toString());
    }
}
