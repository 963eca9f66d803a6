package espgw.ike.session;

/** Where an IKE SA is in its setup (RFC 7296 §1.2): one enum for both roles. */
public enum IkeState {
    /** Initiator before {@code start()}. */
    NEW,
    /** Initiator: IKE_SA_INIT request sent, waiting for the response. */
    IKE_SA_INIT_SENT,
    /** Initiator: IKE_AUTH request sent, waiting for the response. */
    IKE_AUTH_SENT,
    /** Responder: waiting for an IKE_SA_INIT request. */
    WAITING_FOR_IKE_SA_INIT,
    /** Responder: IKE_SA_INIT answered, waiting for IKE_AUTH. */
    WAITING_FOR_IKE_AUTH,
    /** Both sides authenticated; the first CHILD SA exists unless {@code failure()} says why not. */
    ESTABLISHED,
    /** Setup ended; {@code failure()} says why. */
    FAILED
}
