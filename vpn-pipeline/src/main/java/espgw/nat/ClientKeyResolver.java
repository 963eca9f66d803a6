package espgw.nat;

import io.netty.channel.ChannelHandlerContext;

/**
 * Names the client whose security association decrypted the packet being read, as told by the ESP
 * core. The returned key's {@code equals}/{@code hashCode} identify the client (an SA or IKE peer
 * object, say). Called once per packet on the event loop: it must not allocate.
 */
@FunctionalInterface
public interface ClientKeyResolver {
    /** The current packet's client, or {@code null} if the packet did not come through an SA. */
    Object clientOf(ChannelHandlerContext ctx);
}
