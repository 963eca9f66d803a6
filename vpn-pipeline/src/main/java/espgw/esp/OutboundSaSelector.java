package espgw.esp;

import espgw.sa.SaDatabase;
import espgw.sa.SecurityAssociation;
import io.netty.buffer.ByteBuf;

/** Chooses the outbound SA for an inner IPv4 packet; null means none (dropped as {@code no_sa}). */
@FunctionalInterface
public interface OutboundSaSelector {
    /** RFC 791 §3.1: Destination Address offset in the IPv4 header. */
    int IPV4_DESTINATION_OFFSET = 16;
    /** RFC 791 §3.1: the shortest IPv4 header. */
    int IPV4_MIN_HEADER_LENGTH = 20;

    /** Must not change the buffer's indices or content. */
    SecurityAssociation select(ByteBuf innerPacket);

    /** The SA towards the inner destination address (host-to-host tunnels: peer = destination). */
    static OutboundSaSelector byDestination(SaDatabase database) {
        return packet -> packet.readableBytes() < IPV4_MIN_HEADER_LENGTH ? null
                : database.outbound(packet.getInt(packet.readerIndex() + IPV4_DESTINATION_OFFSET));
    }
}
