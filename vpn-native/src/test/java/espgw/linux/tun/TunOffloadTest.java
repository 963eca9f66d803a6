package espgw.linux.tun;

import static espgw.linux.host.BlockingIo.THREAD_PER_TASK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.linux.netns.NetNamespace;
import espgw.testing.NetnsLab;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two namespaces, each with a TUN opened with offloads, joined by a forwarder that hands every
 * frame read from one TUN, virtio_net_hdr and all, to the other. A bulk TCP transfer across shows
 * both halves of the offload contract: the sending kernel hands over TCP super-packets (gso_size
 * set, longer than the MTU), and the receiving kernel accepts them written back whole, with the
 * data arriving intact.
 */
class TunOffloadTest {
    private static final int MTU = 1400;
    private static final int TRANSFER_BYTES = 16 << 20;
    private static final int PORT = 5001;

    @Test
    void theKernelHandsOverAndAcceptsTcpSuperPackets() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try (NetnsLab lab = new NetnsLab()) {
            String nsA = lab.namespace("offa");
            String nsB = lab.namespace("offb");
            try (TunDevice a = offloadTun(lab, nsA, "10.78.0.1/24");
                 TunDevice b = offloadTun(lab, nsB, "10.78.0.2/24")) {
                assertTrue(a.offload() && b.offload());
                Forwarder aToB = new Forwarder();
                Forwarder bToA = new Forwarder();
                TunChannel channelA = channel(a, aToB);
                TunChannel channelB = channel(b, bToA);
                aToB.target = channelB;
                bToA.target = channelA;
                group.register(channelA).sync();
                group.register(channelB).sync();

                byte[][] digests = transfer(nsA, nsB);
                assertArrayEquals(digests[0], digests[1], "the data arrived intact");

                long[] counters = channelA.eventLoop().submit(() -> new long[] {
                    aToB.superPackets, aToB.largestPacket, aToB.largestGsoSize,
                    channelB.packetsWritten() - aToB.forwarded, channelB.packetsRejected(), channelA.packetsRejected(),
                    channelA.packetsTruncated()}).get(10, TimeUnit.SECONDS);
                assertTrue(counters[0] > 0, "no TCP super-packet was read");
                assertTrue(counters[1] > MTU, "largest packet read " + counters[1] + " is not above the MTU");
                assertTrue(counters[2] > 0 && counters[2] <= MTU - 40, "gso_size " + counters[2]);
                assertEquals(0, counters[3], "frames forwarded but not written into the other TUN");
                assertEquals(0, counters[4], "the receiving kernel refused a super-packet");
                assertEquals(0, counters[5], "the sending kernel refused an ACK");
                assertEquals(0, counters[6], "a read was cut short");
                channelA.close().sync();
                channelB.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    private static TunDevice offloadTun(NetnsLab lab, String ns, String cidr) throws Exception {
        lab.exec(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        TunDevice device = NetNamespace.call(ns, () -> TunDevice.open("tof0", 1, true));
        device.setMtu(MTU);
        lab.exec(ns, "ip", "addr", "add", cidr, "dev", "tof0");
        device.setUp();
        return device;
    }

    private static TunChannel channel(TunDevice device, Forwarder forwarder) {
        TunChannel channel = new TunChannel(device.queue(0));
        channel.config().setVnetHeader(true).setMaxPacketSize(65535)
                .setWriteBufferWaterMark(new WriteBufferWaterMark(1 << 20, 4 << 20));
        channel.pipeline().addLast(forwarder);
        return channel;
    }

    /** Sends TRANSFER_BYTES from A to B over TCP; returns the SHA-256 of what was sent and of what arrived. */
    private static byte[][] transfer(String nsA, String nsB) throws Exception {
        try (ServerSocketChannel server = NetNamespace.call(nsB, ServerSocketChannel::open)) {
            server.bind(new InetSocketAddress("10.78.0.2", PORT));
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> receive(server), THREAD_PER_TASK);
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            try (SocketChannel client = NetNamespace.call(nsA, SocketChannel::open)) {
                client.connect(new InetSocketAddress("10.78.0.2", PORT));
                Random random = new Random(42);
                byte[] chunk = new byte[64 << 10];
                for (int done = 0; done < TRANSFER_BYTES; done += chunk.length) {
                    random.nextBytes(chunk);
                    sent.update(chunk);
                    ByteBuffer buffer = ByteBuffer.wrap(chunk);
                    while (buffer.hasRemaining()) {
                        client.write(buffer);
                    }
                }
            }
            return new byte[][] {sent.digest(), received.get(60, TimeUnit.SECONDS)};
        }
    }

    private static byte[] receive(ServerSocketChannel server) {
        try (SocketChannel peer = server.accept()) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
            while (peer.read(buffer.clear()) >= 0) {
                digest.update(buffer.flip());
            }
            return digest.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes every frame into the target TUN unchanged; notes what the sending kernel handed over. */
    private static final class Forwarder extends ChannelInboundHandlerAdapter {
        Channel target;
        long superPackets;
        long largestPacket;
        long largestGsoSize;
        long forwarded;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            int header = frame.readerIndex();
            if (VirtioNetHeader.gsoType(frame, header) == VirtioNetHeader.VIRTIO_NET_HDR_GSO_TCPV4) {
                superPackets++;
                largestGsoSize = Math.max(largestGsoSize, VirtioNetHeader.gsoSize(frame, header));
            }
            largestPacket = Math.max(largestPacket, frame.readableBytes() - VirtioNetHeader.LENGTH);
            if (target.isWritable()) {
                target.write(frame, target.voidPromise());
                forwarded++;
            } else {
                frame.release(); // TCP sends it again
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            target.flush();
        }
    }
}
