package espgw.ike.session;

import java.time.Duration;

/**
 * What an established IKE SA ({@link IkeSa}) tells the daemon, in the order it happened; drained
 * with {@link IkeSa#pollEvents()} after each call that may have changed something. None carries a key
 * in its {@code toString()}.
 */
public sealed interface IkeEvent {
    /**
     * A new CHILD SA pair to install (a rekey's replacement is reported before the old pair's removal).
     *
     * @param rekeyedByPeer the peer's rekey (§1.3.3) made it: the peer has not necessarily got our answer
     *     yet, so it may not yet decrypt under the new pair; it deletes the old pair once it has installed
     *     the new one (§2.8), and only then should we send under the new one
     */
    record ChildSaInstalled(NegotiatedChildSa childSa, boolean rekeyedByPeer) implements IkeEvent {
    }

    /** A CHILD SA pair to remove, by this end's inbound and outbound SPI. */
    record ChildSaRemoved(int inboundSpi, int outboundSpi) implements IkeEvent {
        @Override
        public String toString() {
            return String.format("ChildSaRemoved[in 0x%08x out 0x%08x]", inboundSpi, outboundSpi);
        }
    }

    /** The peer refused our request for a new CHILD SA (RFC 7296 §1.3.1); the IKE SA itself stays. */
    record ChildSaRefused(String reason) implements IkeEvent {
    }

    /**
     * The peer refused our rekey of a CHILD SA (RFC 7296 §1.3.3), e.g. with NO_PROPOSAL_CHOSEN when
     * our ESP proposal and the peer's disagree on PFS; the pair stays and the rekey is tried again.
     */
    record ChildSaRekeyRefused(String reason, Duration retryIn) implements IkeEvent {
    }

    /** The IKE SA was replaced by one with these SPIs (RFC 7296 §2.18); the CHILD SAs carry on. */
    record IkeSaRekeyed(long initiatorSpi, long responderSpi) implements IkeEvent {
        @Override
        public String toString() {
            return String.format("IkeSaRekeyed[%016x/%016x]", initiatorSpi, responderSpi);
        }
    }

    /**
     * The peer stopped answering (RFC 7296 §2.4): every CHILD SA is reported removed before this;
     * the daemon may initiate a new IKE SA.
     */
    record PeerDead(String reason) implements IkeEvent {
    }

    /** The IKE SA was deleted (by us or by the peer); every CHILD SA is reported removed before this. */
    record IkeSaDeleted(boolean byPeer) implements IkeEvent {
    }
}
