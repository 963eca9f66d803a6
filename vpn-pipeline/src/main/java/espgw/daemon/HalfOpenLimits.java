package espgw.daemon;

import espgw.config.IkeLimits;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.NoncePayload;
import espgw.ike.message.NotifyPayload;
import espgw.ike.message.NotifyType;
import espgw.ike.session.IkeCookies;
import espgw.ike.session.UnprotectedResponses;
import espgw.metrics.GatewayMetrics;
import espgw.sa.Clock;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;

/**
 * Admission of IKE_SA_INIT requests that would open a new half-open IKE SA (RFC 7296 §2.6), over
 * all peers: below the cookie threshold each is admitted; from it on only one that returns a valid
 * cookie, the others get a COOKIE notify and leave no state; at the limit none. A request that does
 * not decode is admitted: the responder answers its error without keeping state.
 */
final class HalfOpenLimits {
    /** How often the cookie secret changes; a cookie made with the one before still counts. */
    static final Duration SECRET_ROTATION = Duration.ofSeconds(30);

    private final IkeLimits limits;
    private final IkeCookies cookies;
    private final GatewayMetrics metrics;

    /** Whether the request may open a half-open IKE SA, and else what to answer it with, if anything. */
    record Admission(boolean admitted, Optional<byte[]> answer) {
        static final Admission ADMITTED = new Admission(true, Optional.empty());
        static final Admission DROPPED = new Admission(false, Optional.empty());
    }

    HalfOpenLimits(IkeLimits limits, SecureRandom random, Clock clock, GatewayMetrics metrics) {
        this.limits = limits;
        this.cookies = new IkeCookies(random, clock, SECRET_ROTATION);
        this.metrics = metrics;
    }

    Duration timeout() {
        return limits.halfOpenTimeout();
    }

    /** @param halfOpen how many IKE SAs are half open now, over all peers */
    Admission admit(byte[] request, IkeHeader header, InetSocketAddress sender, int halfOpen) {
        if (halfOpen >= limits.halfOpenLimit()) {
            metrics.ikeHalfOpenRejected();
            return Admission.DROPPED;
        }
        if (halfOpen < limits.cookieThreshold()) {
            return Admission.ADMITTED;
        }
        IkeMessage message;
        try {
            message = IkeMessage.decode(request);
        } catch (IkeProtocolException e) {
            return Admission.ADMITTED;
        }
        Optional<NoncePayload> ni = message.first(NoncePayload.class);
        if (ni.isEmpty()) {
            return Admission.ADMITTED;
        }
        byte[] address = sender.getAddress().getAddress();
        Optional<NotifyPayload> cookie = message.notify(NotifyType.COOKIE);
        // §2.6: a cookie that does not match is ignored, the request treated as if it had none.
        long spiI = header.initiatorSpi();
        if (cookie.isPresent() && cookies.valid(cookie.get().data(), ni.get().nonce(), address, spiI)) {
            return Admission.ADMITTED;
        }
        metrics.ikeCookieSent();
        return new Admission(false, Optional.of(UnprotectedResponses.cookieChallenge(header,
                cookies.cookie(ni.get().nonce(), address, spiI))));
    }
}
