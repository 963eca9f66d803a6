package espgw.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.lab.Lab;
import espgw.linux.libc.Socket;
import espgw.linux.netns.NetNamespace;
import espgw.testing.Privileges;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UDP socket between two namespaces over a veth pair: SO_MARK is set, a GSO buffer leaves as
 * separate datagrams, and the receiving channel (GRO on where the kernel has it) hands each one
 * to the pipeline on its own, byte for byte.
 */
class EspUdpSocketTest {
    private static final WriteBufferWaterMark MARKS = new WriteBufferWaterMark(1 << 20, 4 << 20);

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        Privileges.requireNetnsLab();
    }

    @Test
    void aGsoRunArrivesAsItsDatagramsEachIntact() throws Exception {
        try (Lab lab = new Lab("eus", dir)) {
            String a = lab.host("a");
            String b = lab.host("b");
            lab.link(a, "eth0", "10.9.0.1/24", b, "eth0", "10.9.0.2/24");
            EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
            EpollDatagramChannel sender = NetNamespace.call(a, () -> EspUdpSocket.open(0xe59, 1 << 20, MARKS));
            EpollDatagramChannel receiver = NetNamespace.call(b, () -> EspUdpSocket.open(0, 1 << 20, MARKS));
            LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
            try {
                assertTrue(receiver.config().isUdpGro(), "UDP_GRO (Linux 5.0+): the runs arrive coalesced");
                assertEquals(0xe59, Socket.intOption(sender.fd().intValue(), Socket.SOL_SOCKET, Socket.SO_MARK, "SO_MARK"));
                receiver.pipeline().addLast(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket datagram) {
                        received.add(ByteBufUtil.getBytes(datagram.content()));
                    }
                });
                loop.register(receiver).sync();
                receiver.bind(new InetSocketAddress("10.9.0.2", 4500)).sync();
                loop.register(sender).sync();
                sender.bind(new InetSocketAddress("10.9.0.1", 4500)).sync();

                List<byte[]> sent = new ArrayList<>();
                InetSocketAddress to = new InetSocketAddress("10.9.0.2", 4500);
                for (int round = 0; round < 4; round++) {
                    ByteBuf run = PooledByteBufAllocator.DEFAULT.directBuffer();
                    for (int i = 0; i < 40; i++) {
                        byte[] segment = segment(round * 100 + i, i == 39 ? 700 : 1400);
                        sent.add(segment);
                        run.writeBytes(segment);
                    }
                    Object datagram = EspUdpSocket.gsoSupported() ? new SegmentedDatagramPacket(run, 1400, to)
                            : new DatagramPacket(run, to);
                    sender.writeAndFlush(datagram).sync();
                }
                if (!EspUdpSocket.gsoSupported()) {
                    return; // nothing to split: the kernel has no UDP_SEGMENT
                }
                for (byte[] expected : sent) {
                    byte[] actual = received.poll(10, TimeUnit.SECONDS);
                    assertTrue(actual != null, "datagram missing after " + expected.length);
                    assertArrayEquals(expected, actual, "datagram " + sent.indexOf(expected));
                }
                assertEquals(0, received.size());
            } finally {
                sender.close().sync();
                receiver.close().sync();
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            }
        }
    }

    private static byte[] segment(int seed, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 7 + i * 13 + (i >> 8));
        }
        return bytes;
    }
}
