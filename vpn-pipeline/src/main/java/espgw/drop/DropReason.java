package espgw.drop;

/**
 * Why a packet was dropped; every drop is counted under exactly one reason. The metric label is
 * resolved once per reason, never built per packet.
 */
public enum DropReason {
    /** RFC 4303 §3.4.3: sequence number already seen or left of the anti-replay window. */
    REPLAY("replay"),
    /** RFC 4303 §3.4.4: the ICV did not verify (forged, corrupted, wrong key or wrong ESN). */
    ICV("icv"),
    /** No SA: unknown SPI inbound (RFC 4303 §3.4.2), no SA towards the destination outbound. */
    NO_SA("no_sa"),
    /**
     * Too short to be ESP, bad padding (RFC 4303 §2.4), an inner packet that is no IPv4, or an
     * IPv4 packet whose headers a rewrite needs are missing or truncated.
     */
    MALFORMED("malformed"),
    /**
     * RFC 4301 §5.2: an authentic packet whose inner source or destination lies outside the
     * selectors of the SA it arrived on (e.g. a peer forging another's address). An auditable event.
     */
    TS_MISMATCH("ts_mismatch"),
    /** Hard lifetime reached or sequence numbers exhausted (RFC 4303 §3.3.3). */
    SA_EXPIRED("sa_expired"),
    /** Authentic packet whose Next Header is neither IPv4 (4) nor "no next header" (59). */
    BAD_NEXT_HEADER("bad_next_header"),
    /**
     * RFC 4303 §2.6: an authentic dummy packet (Next Header 59), discarded as the RFC requires.
     * Counted on its own so traffic-flow-confidentiality padding never looks like an error.
     */
    DUMMY("dummy"),
    /** Larger than the tunnel MTU with DF set; an ICMP "fragmentation needed" went back (RFC 1191). */
    MTU("mtu"),
    /** No peer or client the packet could go to (e.g. a fake client address nobody holds any more). */
    NO_ROUTE("no_route"),
    /** No free fake address left in the server's client pool. */
    POOL_EXHAUSTED("pool_exhausted"),
    /** The channel the packet should go out on is not writable: dropped rather than queued without bound. */
    BACKPRESSURE("backpressure"),
    /**
     * RFC 3948 §2.3: a NAT-keepalive (one octet 0xFF) on the UDP port, ignored as the RFC says.
     * Counted on its own: it is a peer's sign of life, not an error.
     */
    NAT_KEEPALIVE("nat_keepalive"),
    /** An IKE message (UDP 500, or behind RFC 3948's Non-ESP Marker) from an address that is no IKE peer. */
    IKE_UNKNOWN_PEER("ike_unknown_peer"),
    /** An IKE message from an IKE peer whose header or payloads do not parse (RFC 7296 §3). */
    IKE_MALFORMED("ike_malformed"),
    /** The kernel refused to send an encapsulated datagram (e.g. no route, or ICMP unreachable). */
    SEND_FAILED("send_failed"),
    /**
     * A super-packet from a TUN with offloads of a kind espgw does not segment (only TCP/IPv4
     * without ECN is offered to the kernel, so this means a kernel that sends more than asked).
     */
    UNSUPPORTED_OFFLOAD("unsupported_offload");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** The metric label, e.g. {@code no_sa}. */
    public String label() {
        return label;
    }
}
