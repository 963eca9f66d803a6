package espgw.esp;

import espgw.sa.SecurityAssociation;

/**
 * Per-pipeline slot through which {@link EspInbound} tells later handlers which SA the packet
 * they are handling arrived on, without allocating per packet. Valid only during the
 * {@code channelRead} call that carries the packet; confined to the pipeline's event loop.
 */
public final class InboundContext {
    private SecurityAssociation currentSa;

    /** The SA of the packet now passing down the pipeline, or null outside such a call. */
    public SecurityAssociation currentSa() {
        return currentSa;
    }

    void currentSa(SecurityAssociation sa) {
        this.currentSa = sa;
    }
}
