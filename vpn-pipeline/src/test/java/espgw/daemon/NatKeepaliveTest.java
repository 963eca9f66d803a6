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
}
