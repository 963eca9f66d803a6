package espgw.daemon;

import espgw.ike.session.InboundSpiSource;
import espgw.sa.Clock;
import espgw.sa.SaDatabase;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The inbound ESP SPIs of one gateway, shared by the IKE sessions of all its peers: RFC 4301 §4.1
 * has the receiver choose an SPI that names one SA, since an ESP packet is matched by SPI alone. A
 * new SPI is drawn at random until it is neither that of an SA in force (manual, or installed by
 * IKE) nor one handed out lately to a negotiation that may still be running. Without this, a peer's
 * new CHILD SA could take another peer's SPI and replace its SA in the database.
 *
 * <p>An SPI handed out stays reserved for {@link #RESERVATION_NANOS}, longer than any exchange with
 * all its retransmissions lasts: by then its SA is in the database, or its negotiation failed.
 */
final class InboundSpis implements InboundSpiSource {
    /** IKE_SA_INIT and IKE_AUTH, each retransmitted until given up after 126 s, last about 4 minutes. */
    static final long RESERVATION_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final SaDatabase database;
    private final Clock clock;
    /** SPI → when it was handed out, oldest first (control plane: a few per peer and hour, boxing is fine). */
    private final Map<Integer, Long> reserved = new LinkedHashMap<>();

    InboundSpis(SaDatabase database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public synchronized int next(SecureRandom random) {
        long now = clock.nanoTime();
        forgetReservationsBefore(now - RESERVATION_NANOS);
        int spi;
        do {
            spi = InboundSpiSource.RANDOM.next(random);
        } while (database.inbound(spi) != null || reserved.containsKey(spi));
        reserved.put(spi, now);
        return spi;
    }

    private void forgetReservationsBefore(long cutoff) {
        Iterator<Long> handedOut = reserved.values().iterator();
        while (handedOut.hasNext() && handedOut.next() - cutoff <= 0) {
            handedOut.remove();
        }
    }
}
