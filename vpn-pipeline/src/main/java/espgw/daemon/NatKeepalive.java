package espgw.daemon;

import espgw.wire.UdpEncapsulation;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.util.List;

/**
 * RFC 3948 §2.3 and §4: run every keepalive interval on the UDP channel's event loop, it sends a
 * NAT-keepalive (one octet 0xFF) to each UDP peer that was sent nothing since the previous run, so a
 * NAT between the gateways keeps its mapping while the tunnel is idle. It goes where the peer's ESP
 * goes: the port IKE last heard the peer from when its NAT translates ports ({@link Peer#udpEndpoint()}). An IKE peer whose ESP does not
 * (yet) travel in UDP gets none.
 */
final class NatKeepalive implements Runnable {
    private final List<Peer> udpPeers;
    private final Channel udp;

    NatKeepalive(List<Peer> udpPeers, Channel udp) {
        this.udpPeers = List.copyOf(udpPeers);
        this.udp = udp;
    }

    @Override
    public void run() {
        boolean sent = false;
        for (Peer peer : udpPeers) {
            if (peer.udpEncapsulated() && !peer.takeUdpSent() && udp.isActive()) {
                ByteBuf keepalive = UdpEncapsulation.writeNatKeepalive(
                        udp.alloc().directBuffer(UdpEncapsulation.NAT_KEEPALIVE_LENGTH));
                udp.write(new DatagramPacket(keepalive, peer.udpEndpoint()), udp.voidPromise());
                sent = true;
            }
        }
        if (sent) {
            udp.flush();
        }
    }
}
