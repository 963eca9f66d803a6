package espgw.config;

import java.time.Duration;

/**
 * How many IKE SAs may be half open at once (IKE_SA_INIT answered, IKE_AUTH not yet), over all
 * peers, and when the responder asks for cookies instead (RFC 7296 §2.6). Section {@code ike_limits}.
 *
 * @param halfOpenLimit   at most this many: an IKE_SA_INIT beyond it is dropped, cookie or not
 * @param cookieThreshold from this many on, an IKE_SA_INIT without a valid cookie gets only a
 *                        COOKIE notify and makes no state; 0 asks every initiator for one
 * @param halfOpenTimeout a half-open IKE SA is forgotten this long after its IKE_SA_INIT
 */
public record IkeLimits(int halfOpenLimit, int cookieThreshold, Duration halfOpenTimeout) {
    /** strongSwan's defaults are 30 half-open SAs for cookies and a 30 s timeout; espgw has fewer peers. */
    public static final IkeLimits DEFAULTS = new IkeLimits(100, 10, Duration.ofSeconds(30));

    static IkeLimits from(ConfigNode node) throws ConfigException {
        int limit = (int) node.integer("half_open_limit", DEFAULTS.halfOpenLimit(), 1, 100_000);
        int threshold = (int) node.integer("cookie_threshold", DEFAULTS.cookieThreshold(), 0, 100_000);
        if (threshold > limit) {
            throw node.error("cookie_threshold", threshold + " is above half_open_limit " + limit
                    + ": cookies would never be asked for");
        }
        long timeout = node.integer("half_open_timeout", DEFAULTS.halfOpenTimeout().toSeconds(), 1, 3600);
        node.rejectUnknownFields();
        return new IkeLimits(limit, threshold, Duration.ofSeconds(timeout));
    }
}
