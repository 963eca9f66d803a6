package espgw.nat;

/** Why a translation handler dropped a packet. The lead folds these into the common DropReason. */
public enum NatDropReason {
    /** Not a whole IPv4 datagram, or a header a rewrite needs is missing or truncated. */
    MALFORMED,
    /** Addressed to a fake client address that no client holds (any more). */
    NO_ROUTE,
    /** Larger than the tunnel MTU with DF set; an ICMP "fragmentation needed" went back. */
    MTU,
    /** No free fake address left in the client pool. */
    POOL_EXHAUSTED
}
