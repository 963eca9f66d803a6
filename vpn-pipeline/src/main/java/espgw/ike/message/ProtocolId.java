package espgw.ike.message;

/** RFC 7296 §3.3.1: Protocol ID of a proposal, also used by Notify and Delete payloads. */
public final class ProtocolId {
    /** Notify and Delete use 0 when no SA is concerned (§3.10). */
    public static final int NONE = 0;
    public static final int IKE = 1;
    public static final int AH = 2;
    public static final int ESP = 3;

    private ProtocolId() {
    }
}
