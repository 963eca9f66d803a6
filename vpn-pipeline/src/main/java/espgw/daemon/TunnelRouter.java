package espgw.daemon;

import espgw.esp.OutboundSaSelector;
import espgw.nat.OutboundClientTag;
import espgw.sa.SecurityAssociation;
import espgw.wire.Ipv4Header;
import io.netty.buffer.ByteBuf;

/**
 * Picks the peer of each outbound packet in one TUN pipeline, and remembers it for the handler that
 * writes the outer header. The server's {@code ClientDestinationMapping} tags the packet with its
 * client first; otherwise the inner destination decides. All calls for one packet happen in one
 * {@code channelRead} on one event loop, so a field carries the choice: nothing is allocated.
 */
final class TunnelRouter implements OutboundSaSelector, OutboundClientTag {
    private final PeerDirectory peers;
    private Peer tagged;
    private Peer current;

    TunnelRouter(PeerDirectory peers) {
        this.peers = peers;
    }

    @Override
    public void tag(Object clientKey) {
        tagged = (Peer) clientKey;
    }

    @Override
    public SecurityAssociation select(ByteBuf innerPacket) {
        Peer peer = tagged;
        tagged = null;
        if (peer == null && innerPacket.readableBytes() >= Ipv4Header.MIN_HEADER_LENGTH) {
            peer = peers.towards(Ipv4Header.destinationAddress(innerPacket, innerPacket.readerIndex()));
        }
        current = peer;
        return peer == null ? null : peer.outbound();
    }

    /** The peer chosen for the packet now passing down the pipeline. */
    Peer current() {
        return current;
    }
}
