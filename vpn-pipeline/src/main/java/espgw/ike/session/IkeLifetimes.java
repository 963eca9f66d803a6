package espgw.ike.session;

import java.time.Duration;
import java.util.Objects;

/**
 * The timers of an established IKE SA. {@link Duration#ZERO} turns one off.
 *
 * @param dpdInterval a liveness check (RFC 7296 §2.4) when nothing came from the peer for this long
 * @param dpdTimeout the peer is dead once any request of ours (a liveness check, a rekey, a delete)
 *     went unanswered for this long, retransmissions included; {@link Duration#ZERO}: only once
 *     the whole retransmission schedule ran out (about two minutes)
 * @param childRekey a CHILD SA is rekeyed (§2.8) this long after it was made, less the jitter
 * @param ikeRekey the IKE SA is rekeyed (§2.18) this long after it was made, less the jitter
 * @param jitterPercent up to this share of a rekey time is taken off at random, so that two ends
 *     configured alike rarely rekey at the same moment (§2.8.1 handles it when they do)
 */
public record IkeLifetimes(Duration dpdInterval, Duration dpdTimeout, Duration childRekey, Duration ikeRekey,
                           int jitterPercent) {
    /** Three check intervals: a few retransmissions (2 s, doubling) fit in, and death comes soon after silence. */
    public static final int DEFAULT_DPD_TIMEOUT_INTERVALS = 3;

    public IkeLifetimes {
        Objects.requireNonNull(dpdInterval, "dpdInterval");
        Objects.requireNonNull(dpdTimeout, "dpdTimeout");
        Objects.requireNonNull(childRekey, "childRekey");
        Objects.requireNonNull(ikeRekey, "ikeRekey");
        if (dpdInterval.isNegative() || dpdTimeout.isNegative() || childRekey.isNegative() || ikeRekey.isNegative()) {
            throw new IllegalArgumentException("IKE timers cannot be negative");
        }
        if (jitterPercent < 0 || jitterPercent > 50) {
            throw new IllegalArgumentException("rekey jitter of " + jitterPercent + "%, allowed 0 to 50");
        }
    }

    /**
     * A liveness check after 30 s of silence, the peer dead after 90 s more without an answer;
     * CHILD SAs rekeyed hourly, the IKE SA every 4 h (strongSwan's defaults); 10% jitter.
     */
    public static IkeLifetimes defaults() {
        Duration dpd = Duration.ofSeconds(30);
        return new IkeLifetimes(dpd, defaultDpdTimeout(dpd), Duration.ofHours(1), Duration.ofHours(4), 10);
    }

    /** The timeout that goes with a check interval unless configured: that many check intervals. */
    public static Duration defaultDpdTimeout(Duration dpdInterval) {
        return dpdInterval.multipliedBy(DEFAULT_DPD_TIMEOUT_INTERVALS);
    }
}
