package espgw.ike.message;

/**
 * A received IKE message that cannot be accepted, with the Notify (RFC 7296 §3.10.1) to answer
 * it with. Malformed input always ends here, never in an {@code IndexOutOfBoundsException}. The
 * message names what was wrong and never contains key material.
 */
public final class IkeProtocolException extends Exception {
    private final int notifyType;
    private final byte[] notifyData;

    public IkeProtocolException(int notifyType, String message) {
        this(notifyType, new byte[0], message);
    }

    public IkeProtocolException(int notifyType, byte[] notifyData, String message) {
        super(NotifyType.name(notifyType) + ": " + message);
        this.notifyType = notifyType;
        this.notifyData = notifyData.clone();
    }

    /** Shorthand for the most common case: a length or field that breaks the RFC's layout. */
    public static IkeProtocolException invalidSyntax(String message) {
        return new IkeProtocolException(NotifyType.INVALID_SYNTAX, message);
    }

    /** The Notify Message Type to answer with. */
    public int notifyType() {
        return notifyType;
    }

    /** The Notification Data to send with it (e.g. the unsupported payload type), often empty. */
    public byte[] notifyData() {
        return notifyData.clone();
    }

    /** The Notify payload that answers this error. */
    public NotifyPayload toNotify() {
        return NotifyPayload.of(notifyType, notifyData);
    }
}
