package espgw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NatKeepaliveTest {
    @TempDir
    Path dir;

    @Test
    void onlyPeersSentNothingSinceTheLastRunGetAKeepaliveOfOneOctet0xFf() {
        List<Peer> peers = UdpPeers.peers(UdpPeers.config(dir, UdpPeers.CONFIG));
        List<Peer> udpPeers = peers.stream().filter(Peer::udpEncapsulated).toList();
        EmbeddedChannel udp = new EmbeddedChannel();
        NatKeepalive keepalive = new NatKeepalive(udpPeers, udp);

        udpPeers.get(0).markUdpSent();
        keepalive.run();
        DatagramPacket only = udp.readOutbound();
        assertEquals(new InetSocketAddress("10.0.0.162", 14500), only.recipient(), "peer b was idle");
        assertEquals(1, only.content().readableBytes());
        assertEquals(0xFF, only.content().getUnsignedByte(only.content().readerIndex()));
        only.release();
        assertNull(udp.readOutbound(), "peer a had traffic: no keepalive");

        keepalive.run();
        for (int i = 0; i < 2; i++) {
            DatagramPacket next = udp.readOutbound();
            assertEquals(1, next.content().readableBytes());
            next.release();
        }
        assertNull(udp.readOutbound(), "one each, and none to the bare-ESP peer");
        udp.finishAndReleaseAll();
    }

    @Test
    void aPeerWhoseNatMappingMovedGetsItsKeepaliveAtTheNewPort() {
        List<Peer> udpPeers = UdpPeers.peers(UdpPeers.config(dir, UdpPeers.CONFIG)).stream()
                .filter(Peer::udpEncapsulated).toList();
        EmbeddedChannel udp = new EmbeddedChannel();
        InetSocketAddress moved = new InetSocketAddress("10.0.0.160", 41234);
        udpPeers.get(0).sendUdpTo(moved);
        udpPeers.get(1).markUdpSent();

        new NatKeepalive(udpPeers, udp).run();
        DatagramPacket keepalive = udp.readOutbound();
        assertEquals(moved, keepalive.recipient(), "RFC 3948 §2.3: the keepalive keeps the mapping ESP uses");
        keepalive.release();
        assertNull(udp.readOutbound());
        udp.finishAndReleaseAll();
    }
}
