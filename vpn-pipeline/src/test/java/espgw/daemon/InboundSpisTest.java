package espgw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import espgw.crypto.AeadAlgorithm;
import espgw.crypto.JceAead;
import espgw.sa.Direction;
import espgw.sa.SaDatabase;
import espgw.sa.SecurityAssociation;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gateway-wide choice of inbound SPIs, with a scripted random source and a hand-driven clock. */
class InboundSpisTest {
    private final SaDatabase database = new SaDatabase();
    private long now;
    private final InboundSpis spis = new InboundSpis(database, () -> now);

    @Test
    void anSpiOfAnSaInForceIsNeverHandedOut() {
        database.install(inbound(0x1001));
        assertEquals(0x2002, spis.next(drawing(0x1001, 0x2002)));
    }

    @Test
    void theReservedRangeIsSkipped() {
        assertEquals(0x3003, spis.next(drawing(0, 255, 0x3003)));
    }

    @Test
    void anSpiHandedOutForANegotiationStillRunningIsNotHandedOutAgain() {
        SecureRandom random = drawing(0x4004, 0x4004, 0x5005);
        assertEquals(0x4004, spis.next(random));
        now += InboundSpis.RESERVATION_NANOS - 1;
        assertEquals(0x5005, spis.next(random), "two negotiations at once must not share an SPI");
    }

    @Test
    void aReservationWhoseNegotiationFailedLapses() {
        SecureRandom random = drawing(0x4004, 0x4004);
        assertEquals(0x4004, spis.next(random));
        now += InboundSpis.RESERVATION_NANOS;
        assertEquals(0x4004, spis.next(random), "neither installed nor reserved any more");
    }

    @Test
    void anSaRemovedFromTheDatabaseFreesItsSpiOnceItsReservationLapsed() {
        SecureRandom random = drawing(0x6006, 0x6006, 0x7007, 0x6006);
        assertEquals(0x6006, spis.next(random));
        SecurityAssociation installed = inbound(0x6006);
        database.install(installed);
        now += InboundSpis.RESERVATION_NANOS;
        assertEquals(0x7007, spis.next(random), "in force");
        database.remove(installed);
        assertEquals(0x6006, spis.next(random));
    }

    /** A random source whose {@code nextInt()} returns these values in turn. */
    private static SecureRandom drawing(Integer... values) {
        ArrayDeque<Integer> script = new ArrayDeque<>(List.of(values));
        return new SecureRandom() {
            @Override
            public int nextInt() {
                return script.remove();
            }
        };
    }

    private static SecurityAssociation inbound(int spi) {
        return SecurityAssociation.builder(spi, Direction.INBOUND, new JceAead(AeadAlgorithm.AES_GCM_128, new byte[20]))
                .build();
    }
}
