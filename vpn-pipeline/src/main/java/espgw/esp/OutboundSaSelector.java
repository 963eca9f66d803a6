package espgw.esp;

import espgw.sa.SaDatabase;
import espgw.sa.SecurityAssociation;
import espgw.wire.Ipv4Header;
import io.netty.buffer.ByteBuf;

/** Chooses the outbound SA for an inner IPv4 packet; null means none (dropped as {@code no_sa}). */
@FunctionalInterface
public interface OutboundSaSelector {
    /** Must not change the buffer's indices or content. */
    SecurityAssociation select(ByteBuf innerPacket);

    /** The SA towards the inner destination address (host-to-host tunnels: peer = destination). */
    static OutboundSaSelector byDestination(SaDatabase database) {
        return packet -> packet.readableBytes() < Ipv4Header.MIN_HEADER_LENGTH ? null
                : database.outbound(Ipv4Header.destinationAddress(packet, packet.readerIndex()));
    }
}
