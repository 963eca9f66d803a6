package espgw.ike.session;

import espgw.sa.Clock;
import java.util.concurrent.TimeUnit;

/**
 * The initiator's retransmission of its outstanding request (RFC 7296 §2.1): the same octets
 * again after a timeout that doubles each time, given up after a fixed number of tries.
 */
final class Retransmission {
    /** Like strongSwan's defaults in spirit (4 s, ×1.8, 5 tries), shorter because espgw peers are near. */
    static final long FIRST_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(2);
    static final int MAX_RETRANSMISSIONS = 5;

    private final Clock clock;
    private byte[] request;
    private long sentNanos;
    /** When the request was first sent: how long it has gone unanswered counts from here. */
    private long firstSentNanos;
    private int retransmissions;

    Retransmission(Clock clock) {
        this.clock = clock;
    }

    /** A new request: remembered and its timer started. */
    byte[] sent(byte[] datagram) {
        request = datagram;
        sentNanos = clock.nanoTime();
        firstSentNanos = sentNanos;
        retransmissions = 0;
        return datagram;
    }

    void answered() {
        request = null;
    }

    /** How often the outstanding request was sent again so far. */
    int retransmissions() {
        return retransmissions;
    }

    boolean outstanding() {
        return request != null;
    }

    /** True once the last try has timed out too. */
    boolean exhausted() {
        return request != null && retransmissions >= MAX_RETRANSMISSIONS && due();
    }

    /** How long the outstanding request has waited for its answer since first sent; 0 when none is outstanding. */
    long unansweredNanos() {
        return request == null ? 0 : clock.nanoTime() - firstSentNanos;
    }

    /** The request again when its timeout has passed, else null. */
    byte[] retransmitIfDue() {
        if (request == null || retransmissions >= MAX_RETRANSMISSIONS || !due()) {
            return null;
        }
        retransmissions++;
        sentNanos = clock.nanoTime();
        return request;
    }

    private boolean due() {
        return clock.nanoTime() - sentNanos >= FIRST_TIMEOUT_NANOS << retransmissions;
    }
}
