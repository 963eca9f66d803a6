package espgw.ike.session;

/**
 * What the NAT_DETECTION notifies of IKE_SA_INIT showed (RFC 7296 §2.23): a NAT in front of
 * this end when the peer's destination hash does not match our address, in front of the peer when
 * its source hash does not match the address it came from. Either means: float to port 4500 and
 * encapsulate ESP in UDP.
 */
public record NatStatus(boolean localBehindNat, boolean peerBehindNat) {
    public static final NatStatus UNKNOWN = new NatStatus(false, false);

    public boolean natDetected() {
        return localBehindNat || peerBehindNat;
    }
}
