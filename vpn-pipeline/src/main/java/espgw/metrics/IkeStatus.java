package espgw.metrics;

/**
 * A peer's IKE (RFC 7296) in {@code /status}, what {@code swanctl --list-sas} shows for an IKE SA:
 * whether one is established, being set up or down, and why it last failed. Identities, SPIs,
 * algorithm names and timers only: never a key or a pre-shared key.
 *
 * @param state {@link #ESTABLISHED}, {@link #CONNECTING} or {@link #DOWN}
 * @param connecting the setup under way while {@link #CONNECTING}, else null
 * @param established the IKE SA in force while {@link #ESTABLISHED}, else null
 * @param lastFailure the last failed setup or lost IKE SA since the daemon started, or null
 * @param nextAttemptInSeconds while down, seconds until this end initiates again; null when it waits for the peer
 */
public record IkeStatus(String state, Connecting connecting, Established established, Failure lastFailure,
        Long nextAttemptInSeconds) {
    public static final String ESTABLISHED = "established";
    public static final String CONNECTING = "connecting";
    public static final String DOWN = "down";
    public static final String INITIATOR = "initiator";
    public static final String RESPONDER = "responder";

    /**
     * @param role {@link #INITIATOR} or {@link #RESPONDER} of the setup
     * @param exchange the exchange under way: {@code IKE_SA_INIT} or {@code IKE_AUTH} (RFC 7296 §1.2)
     * @param retransmissions how often the initiator sent its outstanding request again (§2.1); 0 for a responder
     */
    public record Connecting(String role, String exchange, int retransmissions) {
    }

    /**
     * @param role {@link #INITIATOR} or {@link #RESPONDER}: which end set up the IKE SA, or the rekey that made it (§2.18)
     * @param ageSeconds seconds since these SPIs came into force
     * @param localId this end's identity, as configured and proven
     * @param remoteId the identity the peer proved
     * @param localEndpoint {@code address:port} IKE is sent from
     * @param remoteEndpoint {@code address:port} IKE is sent to
     * @param initiatorSpi sixteen hex digits, as strongSwan prints them
     * @param encryption the IKE SA's encryption transform (RFC 7296 §3.3.2), e.g. {@code AES_GCM_16_256}
     * @param prf e.g. {@code PRF_HMAC_SHA2_256}
     * @param group the key exchange group, e.g. {@code CURVE25519}
     * @param ikeRekeyInSeconds seconds until the IKE SA's rekey (0: due or under way); null when never
     * @param childRekeyInSeconds the same for the next CHILD SA rekey
     * @param lastHeardSecondsAgo seconds since an authentic message came from the peer (liveness, §2.4)
     */
    public record Established(String role, long ageSeconds, String localId, String remoteId, String localEndpoint,
            String remoteEndpoint, String initiatorSpi, String responderSpi, String encryption, String prf,
            String group, Encapsulation encapsulation, Long ikeRekeyInSeconds, Long childRekeyInSeconds,
            long lastHeardSecondsAgo) {
    }

    /**
     * @param udp ESP in UDP (RFC 3948) rather than bare ESP
     * @param localBehindNat NAT detection (RFC 7296 §2.23) found a NAT in front of this end
     * @param peerBehindNat ... in front of the peer
     * @param localPort the UDP port of ESP in UDP here; 0 for bare ESP
     * @param remotePort the UDP port of ESP in UDP at the peer; 0 for bare ESP
     */
    public record Encapsulation(boolean udp, boolean localBehindNat, boolean peerBehindNat, int localPort,
            int remotePort) {
    }

    /**
     * @param errorNotify the error notify sent or received, e.g. {@code AUTHENTICATION_FAILED}, or {@link #NO_NOTIFY}
     * @param reason one sentence, as logged
     */
    public record Failure(String errorNotify, String reason, long secondsAgo) {
        /** The IKE SA was lost without an error notify, e.g. the peer went silent. */
        public static final String NO_NOTIFY = "none";
    }
}
