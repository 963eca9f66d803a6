package espgw.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.crypto.AeadAlgorithm;
import espgw.crypto.JceAead;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Soft and hard lifetimes in packets, bytes and time; sequence numbers that never cycle. */
class SaLifetimeTest {
    private final List<String> events = new ArrayList<>();
    private final SaEventListener listener = new SaEventListener() {
        @Override
        public void softLimitReached(SecurityAssociation sa) {
            events.add("soft");
        }

        @Override
        public void hardLimitReached(SecurityAssociation sa) {
            events.add("hard");
        }
    };
    private long now = 1_000;

    @Test
    void packetLimits() {
        SecurityAssociation sa = inbound(new SaLifetime(3, 5, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
                Long.MAX_VALUE));
        for (int i = 1; i <= 5; i++) {
            assertTrue(sa.admit(100), "packet " + i);
            assertEquals(i < 3 ? List.of() : List.of("soft"), events);
        }
        assertFalse(sa.admit(100), "packet 6 crosses the hard limit");
        assertFalse(sa.admit(100));
        assertTrue(sa.isExpired());
        assertEquals(List.of("soft", "hard"), events, "each event once");
        assertEquals(5, sa.packets());
    }

    @Test
    void byteLimits() {
        SecurityAssociation sa = inbound(new SaLifetime(Long.MAX_VALUE, Long.MAX_VALUE, 100, 150, Long.MAX_VALUE,
                Long.MAX_VALUE));
        assertTrue(sa.admit(60));
        assertEquals(List.of(), events);
        assertTrue(sa.admit(60));
        assertEquals(List.of("soft"), events);
        assertTrue(sa.admit(30), "exactly 150");
        assertFalse(sa.admit(1));
        assertEquals(List.of("soft", "hard"), events);
        assertEquals(150, sa.bytes());
    }

    @Test
    void timeLimitsOnAnInjectedClock() {
        SecurityAssociation sa = inbound(SaLifetime.of(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
                Long.MAX_VALUE, Duration.ofSeconds(10), Duration.ofSeconds(20)));
        now += Duration.ofSeconds(9).toNanos();
        assertTrue(sa.admit(1));
        assertEquals(List.of(), events);
        now += Duration.ofSeconds(1).toNanos();
        assertTrue(sa.admit(1));
        assertEquals(List.of("soft"), events);
        assertTrue(sa.isUsable());
        now += Duration.ofSeconds(10).toNanos();
        assertFalse(sa.isUsable(), "20 s: hard limit");
        assertFalse(sa.admit(1));
        assertEquals(List.of("soft", "hard"), events);
    }

    @Test
    void lifetimeIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new SaLifetime(10, 5, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new SaLifetime(0, 5, 1, 1, 1, 1));
    }

    @Test
    void thirtyTwoBitSequenceNumbersNeverCycle() {
        MemorySequenceStore store = new MemorySequenceStore();
        store.reserve(0x1234, 0xFFFF_FFFDL);
        SecurityAssociation sa = outbound(store, false);
        assertEquals(0xFFFF_FFFEL, sa.nextSequence());
        assertEquals(0xFFFF_FFFFL, sa.nextSequence());
        assertEquals(0, sa.nextSequence(), "exhausted");
        assertTrue(sa.isExpired());
        assertEquals(List.of("hard"), events);
        assertEquals(0, sa.nextSequence());
        assertEquals(List.of("hard"), events);
    }

    @Test
    void extendedSequenceNumbersRunTo2To64Minus1() {
        MemorySequenceStore store = new MemorySequenceStore();
        store.reserve(0x1234, -3L);
        SecurityAssociation sa = outbound(store, true);
        assertEquals(-2L, sa.nextSequence());
        assertEquals(-1L, sa.nextSequence(), "0xffffffffffffffff is the last one");
        assertEquals(0, sa.nextSequence());
        assertTrue(sa.isExpired());
    }

    @Test
    void anSaWhoseNumbersWereAllUsedIsBornExpired() {
        MemorySequenceStore store = new MemorySequenceStore();
        store.reserve(0x1234, 0xFFFF_FFFFL);
        assertTrue(outbound(store, false).isExpired());
        assertFalse(outbound(store, true).isExpired(), "with ESN there are more");
    }

    @Test
    void sequenceNumbersAreReservedBlockByBlockBeforeUse() {
        MemorySequenceStore store = new MemorySequenceStore(10);
        SecurityAssociation sa = outbound(store, false);
        assertEquals(10, store.reserved(0x1234), "first block reserved at creation");
        for (int i = 1; i <= 10; i++) {
            assertEquals(i, sa.nextSequence());
        }
        assertEquals(10, store.reserved(0x1234));
        assertEquals(11, sa.nextSequence());
        assertEquals(20, store.reserved(0x1234), "next block reserved before 11 was used");
    }

    @Test
    void anIdleSaWarnsAndExpiresOnTimeWithoutAnyPacket() {
        SecurityAssociation sa = inbound(SaLifetime.of(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE,
                Long.MAX_VALUE, Duration.ofSeconds(10), Duration.ofSeconds(20)));
        now += Duration.ofSeconds(9).toNanos();
        sa.checkLifetime();
        assertEquals(List.of(), events);
        now += Duration.ofSeconds(1).toNanos();
        sa.checkLifetime();
        sa.checkLifetime();
        assertEquals(List.of("soft"), events, "soft once, with no traffic");
        now += Duration.ofSeconds(10).toNanos();
        sa.checkLifetime();
        assertTrue(sa.isExpired());
        assertEquals(List.of("soft", "hard"), events);
    }

    @Test
    void anOutboundSaNeedsASequenceStore() {
        assertThrows(IllegalStateException.class, () -> SecurityAssociation.builder(0x1234, Direction.OUTBOUND,
                new JceAead(AeadAlgorithm.AES_GCM_128, new byte[20])).build());
    }

    @Test
    void inboundSasHandOutNoSequenceNumbers() {
        SecurityAssociation sa = inbound(SaLifetime.NONE);
        IllegalStateException e = assertThrows(IllegalStateException.class, sa::nextSequence);
        assertTrue(e.getMessage().contains("SA[0x00001234 INBOUND"), e.getMessage());
    }

    private SecurityAssociation inbound(SaLifetime lifetime) {
        return SecurityAssociation.builder(0x1234, Direction.INBOUND,
                new JceAead(AeadAlgorithm.AES_GCM_128, new byte[20]))
                .lifetime(lifetime).clock(() -> now).listener(listener).build();
    }

    private SecurityAssociation outbound(SequenceStore store, boolean esn) {
        return SecurityAssociation.builder(0x1234, Direction.OUTBOUND,
                new JceAead(AeadAlgorithm.AES_GCM_128, new byte[20]))
                .esn(esn).sequenceStore(store).clock(() -> now).listener(listener).build();
    }
}
