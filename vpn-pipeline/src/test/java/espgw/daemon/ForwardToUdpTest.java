package espgw.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.config.GatewayConfig;
import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The UDP send path on EmbeddedChannels: the TUN side in, the UDP socket's writes out. */
class ForwardToUdpTest {
    private static final InetSocketAddress A = new InetSocketAddress("10.0.0.160", 4500);
    private static final InetSocketAddress B = new InetSocketAddress("10.0.0.162", 14500);

    @TempDir
    Path dir;

    private final CountingDropRecorder drops = new CountingDropRecorder();
    private final EmbeddedChannel udp = new EmbeddedChannel();
    /** What the UDP channel says of GSO runs: taken or not. */
    private boolean channelSegments;
    private List<Peer> peers;
    private EmbeddedChannel tun;

    private void pipeline(boolean segmentation) {
        channelSegments = segmentation;
        GatewayConfig config = UdpPeers.config(dir, UdpPeers.CONFIG);
        peers = UdpPeers.peers(config);
        TunnelRouter router = new TunnelRouter(new PeerDirectory(peers));
        List<Peer> udpPeers = peers.stream().filter(Peer::udpEncapsulated).toList();
        tun = new EmbeddedChannel(new RouteByFirstOctet(router), new ForwardToUdp(router, udpPeers, udp,
                () -> channelSegments, drops));
    }

    @Test
    void equalSizeRunsToOnePeerLeaveAsOneGsoBufferEachPeerItsOwn() {
        pipeline(true);
        List<byte[]> toA = new ArrayList<>();
        List<byte[]> toB = new ArrayList<>();
        List<Object> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(packet(0, 100, i, toA));
            batch.add(packet(1, 300, i, toB));
        }
        batch.add(packet(0, 60, 9, toA)); // the last segment may be shorter
        ByteBuf raw = packet(2, 80, 0, new ArrayList<>());
        batch.add(raw);
        tun.writeInbound(batch.toArray());

        assertSame(raw, tun.readInbound(), "a bare-ESP peer's packet goes on to the raw path");
        raw.release();
        List<DatagramPacket> sent = sent();
        assertEquals(2, sent.size(), sent.toString());
        for (DatagramPacket datagram : sent) {
            SegmentedDatagramPacket gso = assertInstanceOf(SegmentedDatagramPacket.class, datagram);
            if (gso.recipient().equals(A)) {
                assertEquals(100, gso.segmentSize());
                assertArrayEquals(concat(toA), ByteBufUtil.getBytes(gso.content()));
            } else {
                assertEquals(B, gso.recipient());
                assertEquals(300, gso.segmentSize());
                assertArrayEquals(concat(toB), ByteBufUtil.getBytes(gso.content()));
            }
            gso.release();
        }
        assertEquals(0, drops.total());
    }

    @Test
    void aLongerPacketOrOneAfterAShorterOneStartsTheNextDatagramInOrder() {
        pipeline(true);
        List<byte[]> payloads = new ArrayList<>();
        tun.writeInbound(packet(0, 100, 1, payloads), packet(0, 100, 2, payloads), packet(0, 120, 3, payloads),
                packet(0, 50, 4, payloads), packet(0, 120, 5, payloads));
        List<DatagramPacket> sent = sent();
        assertEquals(3, sent.size(), sent.toString());
        SegmentedDatagramPacket first = assertInstanceOf(SegmentedDatagramPacket.class, sent.get(0));
        assertEquals(100, first.segmentSize());
        assertArrayEquals(concat(payloads.subList(0, 2)), ByteBufUtil.getBytes(first.content()));
        SegmentedDatagramPacket second = assertInstanceOf(SegmentedDatagramPacket.class, sent.get(1));
        assertEquals(120, second.segmentSize());
        assertArrayEquals(concat(payloads.subList(2, 4)), ByteBufUtil.getBytes(second.content()));
        assertFalse(sent.get(2) instanceof SegmentedDatagramPacket, "a lone datagram is sent as it is");
        assertArrayEquals(payloads.get(4), ByteBufUtil.getBytes(sent.get(2).content()));
        sent.forEach(DatagramPacket::release);
    }

    @Test
    void withoutGsoEveryPacketIsItsOwnDatagramAndNoneIsCopied() {
        pipeline(false);
        List<byte[]> payloads = new ArrayList<>();
        List<ByteBuf> packets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            packets.add(packet(0, 100, i, payloads));
        }
        tun.writeInbound(packets.toArray());
        List<DatagramPacket> sent = sent();
        assertEquals(4, sent.size());
        for (int i = 0; i < 4; i++) {
            assertSame(packets.get(i), sent.get(i).content());
            assertEquals(A, sent.get(i).recipient());
            sent.get(i).release();
        }
    }

    @Test
    void aPeerWhoseNatMappingMovedGetsTheNextBatchAtItsNewPortNamedByTheSameAddressObject() {
        pipeline(true);
        tun.writeInbound(packet(0, 100, 1, new ArrayList<>()));
        DatagramPacket before = sent().get(0);
        assertEquals(A, before.recipient());
        before.release();

        InetSocketAddress moved = new InetSocketAddress("10.0.0.160", 41234);
        peers.get(0).sendUdpTo(moved); // as IKE does on an authentic message from that port (RFC 7296 §2.23)
        tun.writeInbound(packet(0, 100, 2, new ArrayList<>()), packet(0, 100, 3, new ArrayList<>()));
        tun.writeInbound(packet(0, 100, 4, new ArrayList<>()));
        List<DatagramPacket> after = sent();
        assertEquals(2, after.size(), after.toString());
        for (DatagramPacket datagram : after) {
            assertSame(moved, datagram.recipient(), "built once per move, not per datagram");
            datagram.release();
        }
    }

    @Test
    void aClosedUdpSocketDropsAsBackpressureAndReleases() {
        pipeline(true);
        udp.close();
        ByteBuf packet = packet(0, 100, 0, new ArrayList<>());
        tun.writeInbound(packet);
        assertEquals(0, packet.refCnt());
        assertEquals(1, drops.count(DropReason.BACKPRESSURE));
    }

    @Test
    void onceTheChannelTakesNoMoreGsoRunsDatagramsGoOneByOne() {
        pipeline(true);
        tun.writeInbound(packet(0, 100, 1, new ArrayList<>()), packet(0, 100, 2, new ArrayList<>()));
        List<DatagramPacket> sent = sent();
        assertInstanceOf(SegmentedDatagramPacket.class, sent.get(0));
        sent.forEach(DatagramPacket::release);

        channelSegments = false; // the kernel refused a run (EspUdpChannelTest)
        tun.writeInbound(packet(0, 100, 3, new ArrayList<>()), packet(0, 100, 4, new ArrayList<>()),
                packet(0, 100, 5, new ArrayList<>()));
        sent = sent();
        assertEquals(3, sent.size(), "one by one from now on");
        sent.forEach(datagram -> assertFalse(datagram instanceof SegmentedDatagramPacket));
        sent.forEach(DatagramPacket::release);
        assertEquals(0, drops.total());
    }

    @Test
    void removingTheHandlerReleasesWhatItGathered() {
        pipeline(true);
        ByteBuf one = packet(0, 100, 1, new ArrayList<>());
        ByteBuf two = packet(0, 100, 2, new ArrayList<>());
        tun.pipeline().fireChannelRead(one).fireChannelRead(two); // no read complete yet
        tun.pipeline().removeLast();
        assertEquals(0, one.refCnt());
        assertEquals(0, two.refCnt());
        assertNull(udp.readOutbound());
    }

    private List<DatagramPacket> sent() {
        List<DatagramPacket> sent = new ArrayList<>();
        for (Object msg; (msg = udp.readOutbound()) != null; ) {
            sent.add((DatagramPacket) msg);
        }
        return sent;
    }

    /** An "ESP packet" of {@code length} octets for peer {@code peer}: its first octet, then a pattern. */
    private static ByteBuf packet(int peer, int length, int seed, List<byte[]> record) {
        byte[] bytes = new byte[length];
        bytes[0] = (byte) peer;
        for (int i = 1; i < length; i++) {
            bytes[i] = (byte) (seed * 31 + i);
        }
        record.add(bytes);
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(length + 64);
        buf.writerIndex(16).readerIndex(16);
        return buf.writeBytes(bytes);
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** Stands in for EspOutbound's SA choice: the first octet is the index of the peer. */
    private final class RouteByFirstOctet extends ChannelInboundHandlerAdapter {
        private final TunnelRouter router;

        RouteByFirstOctet(TunnelRouter router) {
            this.router = router;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf packet = (ByteBuf) msg;
            router.tag(peers.get(packet.getByte(packet.readerIndex())));
            router.select(packet);
            ctx.fireChannelRead(msg);
        }
    }
}
