package espgw.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 4303 §3.4.3 and Appendix A, against a table of edge cases and a naive reference. */
class ReplayWindowTest {
    private static final long TWO_32 = 1L << 32;

    @Test
    void edgeCasesOfA64PacketWindow() {
        ReplayWindow w = new ReplayWindow(64, false);
        assertFalse(w.check(0), "0 is never sent (RFC 4303 §3.3.3)");
        accept(w, 1);
        assertFalse(w.check(1), "duplicate");
        accept(w, 200);
        assertFalse(w.check(136), "200 - 136 = 64: left of the window");
        assertTrue(w.check(137), "200 - 137 = 63: just inside the edge");
        accept(w, 137);
        assertFalse(w.check(137), "duplicate inside the window");
        assertFalse(w.check(200), "duplicate at the top");
        accept(w, 199);
        accept(w, 201);
        assertFalse(w.check(137), "201 - 137 = 64: fell out as the window moved");
        assertTrue(w.check(138));
        accept(w, 201 + 64 * 10);
        assertFalse(w.check(201), "a jump of many words clears the old bits and leaves 201 behind");
        assertTrue(w.check(201 + 64 * 10 - 63), "but the new window is empty");
        accept(w, 0xFFFF_FFFFL);
        assertEquals(0xFFFF_FFFFL, w.top(), "32-bit numbers are unsigned");
        assertFalse(w.check(0xFFFF_FFFFL));
    }

    @Test
    void checkAloneDoesNotMoveTheWindow() {
        ReplayWindow w = new ReplayWindow(64, false);
        accept(w, 10);
        assertTrue(w.check(1000));
        assertTrue(w.check(11), "1000 was checked, never committed (its ICV failed)");
        assertEquals(10, w.top());
    }

    @ParameterizedTest(name = "T={0} W={1} wire={2} -> {3}")
    @CsvSource({
        // Case A (window inside one subspace): Tl >= W - 1
        "0x100000400, 64, 0x3f0,        0x1000003f0",
        "0x100000400, 64, 0x500,        0x100000500",
        "0x100000400, 64, 0x5,          0x200000005",
        "0x1ffffffff, 64, 0xffffffc1,   0x1ffffffc1",
        "0x1ffffffff, 64, 0x0,          0x200000000",
        // Case B (window spans two subspaces): Tl < W - 1
        "0x10000000a, 64, 0xfffffff0,   0x0fffffff0",
        "0x10000000a, 64, 0x5,          0x100000005",
        "0x10000000a, 64, 0x50,         0x100000050",
        // Before the first 2^32 packets there is no lower subspace.
        "0x5,         64, 0xfffffff0,   0x0fffffff0",
        "0x0,         4096, 0xffffff9c, 0x0ffffff9c",
    })
    void esnInferenceOfAppendixA(String top, int size, String wire, String expected) {
        ReplayWindow w = new ReplayWindow(size, true);
        long t = Long.decode(top);
        if (t != 0) {
            w.commit(t);
        }
        w.check(Long.decode(wire));
        assertEquals(Long.decode(expected), w.checkedSequence());
    }

    @ParameterizedTest(name = "W={0} esn={1} start={2}")
    @CsvSource({"64,false,1", "128,false,1", "1024,false,1", "4096,false,1", "64,true,1", "64,true,4294967000",
        "1024,true,4294960000", "4096,true,8589930000"})
    void agreesWithANaiveReferenceOnRandomInput(int size, boolean esn, long start) {
        Random random = new Random(size * 31L + start);
        ReplayWindow w = new ReplayWindow(size, esn);
        NaiveWindow reference = new NaiveWindow(size);
        if (start > 1) {
            w.commit(start);
            reference.commit(start);
        }
        long top = start;
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            long sequence = top + step(random, size);
            if (sequence <= 0 || (!esn && sequence > 0xFFFF_FFFFL)) {
                continue;
            }
            boolean windowAccepts = w.check(sequence & 0xFFFF_FFFFL)
                    // A wrong guess of the high half would fail the ICV (it is in the AAD).
                    && w.checkedSequence() == sequence;
            assertEquals(reference.check(sequence), windowAccepts, "sequence " + sequence + " top " + top);
            // Most packets are genuine; some checked ones turn out forged and are not committed.
            if (windowAccepts && random.nextInt(10) != 0) {
                w.commit(sequence);
                reference.commit(sequence);
                top = Math.max(top, sequence);
                accepted++;
            }
        }
        assertEquals(reference.top, w.top());
        assertTrue(accepted > 5_000, "the walk exercised acceptance: " + accepted);
    }

    @Test
    void sizeIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(32, false));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(100, false));
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(ReplayWindow.MAX_SIZE + 64, false));
        assertEquals(4096, new ReplayWindow(ReplayWindow.DEFAULT_SIZE, true).size());
    }

    /** Mostly near the top (duplicates, reordering, edge), sometimes a jump ahead or far behind. */
    private static long step(Random random, int size) {
        switch (random.nextInt(8)) {
            case 0:
                return random.nextInt(100_000);
            case 1:
                return -size + random.nextInt(3) - 1;
            case 2:
                return -random.nextInt(4 * size);
            default:
                return random.nextInt(2 * size) - size;
        }
    }

    private static void accept(ReplayWindow w, long sequence) {
        assertTrue(w.check(sequence), "check " + sequence);
        w.commit(w.checkedSequence());
    }

    /** The definition, literally: new if above the top, else inside the window and unseen. */
    private static final class NaiveWindow {
        final long size;
        final Set<Long> seen = new HashSet<>();
        long top;

        NaiveWindow(long size) {
            this.size = size;
        }

        boolean check(long sequence) {
            return sequence > top || (top - sequence < size && !seen.contains(sequence));
        }

        void commit(long sequence) {
            seen.add(sequence);
            top = Math.max(top, sequence);
        }
    }
}
