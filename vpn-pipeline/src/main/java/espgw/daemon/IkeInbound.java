package espgw.daemon;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * Where received IKE messages go: from UDP port 500, and from the NAT-traversal port without
 * RFC 3948's Non-ESP Marker.
 */
interface IkeInbound {
    /**
     * Takes {@code message} (from the IKE header on) and releases it.
     *
     * @param natTraversalPort true when it came behind the Non-ESP Marker on the NAT-traversal port
     */
    void receive(ByteBuf message, InetSocketAddress sender, boolean natTraversalPort);
}
