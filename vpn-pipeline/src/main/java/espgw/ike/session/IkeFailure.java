package espgw.ike.session;

import espgw.ike.message.NotifyType;

/**
 * Why a setup (or its first CHILD SA) failed: the error Notify sent or received, or
 * {@link #NO_NOTIFY} (e.g. the peer never answered), and a sentence for the log.
 */
public record IkeFailure(int notifyType, String reason) {
    /** Notify type 0 is RESERVED (RFC 7296 §3.10.1), so it can mean "no notify". */
    public static final int NO_NOTIFY = 0;

    @Override
    public String toString() {
        return (notifyType == NO_NOTIFY ? "" : NotifyType.name(notifyType) + ": ") + reason;
    }
}
