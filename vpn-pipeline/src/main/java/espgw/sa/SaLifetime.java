package espgw.sa;

import java.time.Duration;

/**
 * Soft and hard SA lifetime limits in packets, octets and time (RFC 4301 §4.4.2.1). A soft limit
 * raises a rekey event, a hard limit expires the SA. {@link #UNLIMITED} ({@code Long.MAX_VALUE})
 * disables a limit. Octets count the inner packets' lengths.
 */
public record SaLifetime(long softPackets, long hardPackets, long softBytes, long hardBytes,
        long softNanos, long hardNanos) {
    public static final long UNLIMITED = Long.MAX_VALUE;
    public static final SaLifetime NONE =
            new SaLifetime(UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED);

    public SaLifetime {
        check("packets", softPackets, hardPackets);
        check("bytes", softBytes, hardBytes);
        check("time", softNanos, hardNanos);
    }

    public static SaLifetime of(long softPackets, long hardPackets, long softBytes, long hardBytes,
            Duration soft, Duration hard) {
        return new SaLifetime(softPackets, hardPackets, softBytes, hardBytes, soft.toNanos(), hard.toNanos());
    }

    private static void check(String what, long soft, long hard) {
        if (soft <= 0 || hard <= 0) {
            throw new IllegalArgumentException("lifetime " + what + " limits must be positive");
        }
        if (soft > hard) {
            throw new IllegalArgumentException("soft lifetime " + what + " limit " + soft
                    + " exceeds the hard limit " + hard);
        }
    }
}
