package espgw.linux.udp;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.linux.libc.Errno;
import espgw.linux.libc.Socket;
import espgw.linux.netns.NetNamespace;
import espgw.testing.VethLab;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two namespaces joined by a veth pair, an ESP-in-UDP channel in each. Needs root (see NetnsLab). */
@Timeout(120)
class EspUdpChannelTest {
    private static final InetSocketAddress A = new InetSocketAddress("10.9.0.1", 4500);
    private static final InetSocketAddress B = new InetSocketAddress("10.9.0.2", 4500);
    private static final int MARK = 0xe59;
    private static final int BUFFER_BYTES = 4 << 20;

    private VethLab lab;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    /** A datagram as the pipeline saw it: its bytes, its sender. */
    private record Received(byte[] bytes, InetSocketAddress sender) {
    }

    @BeforeEach
    void setUp() {
        lab = new VethLab("eudp", "eua", "10.9.0.1/24", "eub", "10.9.0.2/24", 2);
    }

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void gsoRunsArriveAsTheirDatagramsEachIntactWithTheirSender() throws Exception {
        EspUdpChannel sender = open(lab.nsA, MARK, A);
        EspUdpChannel receiver = open(lab.nsB, 0, B);
        receiver.pipeline().addLast(new Collector(receiver));
        assertTrue(receiver.isUdpGro(), "UDP_GRO (Linux 5.0+): the runs arrive coalesced");
        assertTrue(sender.isUdpGso(), "UDP_SEGMENT (Linux 4.18+)");
        assertEquals(MARK, Socket.intOption(sender.fd().intValue(), Socket.SOL_SOCKET, Socket.SO_MARK, "SO_MARK"));
        assertEquals(A, sender.localAddress());

        List<byte[]> sent = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            ByteBuf run = PooledByteBufAllocator.DEFAULT.directBuffer();
            for (int i = 0; i < 40; i++) {
                byte[] segment = segment(round * 100 + i, i == 39 ? 700 : 1400);
                sent.add(segment);
                run.writeBytes(segment);
            }
            sender.writeAndFlush(new SegmentedDatagramPacket(run, 1400, B)).sync();
            byte[] lone = segment(round, 60);
            sent.add(lone);
            sender.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(lone), B)).sync();
        }
        for (byte[] expected : sent) {
            Received actual = nextReceived("datagram " + sent.indexOf(expected));
            assertArrayEquals(expected, actual.bytes(), "datagram " + sent.indexOf(expected));
            assertEquals(A, actual.sender());
        }
        assertEquals(0, received.size());
        long reads = receiver.eventLoop().submit(receiver::packetsRead).get();
        assertTrue(reads < sent.size(), "the runs were read coalesced and split by the channel: " + reads + " reads");
        assertEquals(0, receiver.packetsTruncated());
    }

    @Test
    void aDatagramTheKernelRefusesFailsItsOwnPromiseAndTheRestOfTheFlushGoes() throws Exception {
        EspUdpChannel sender = open(lab.nsA, 0, A);
        EspUdpChannel receiver = open(lab.nsB, 0, B);
        receiver.pipeline().addLast(new Collector(receiver));
        InetSocketAddress unroutable = new InetSocketAddress("10.77.0.1", 4500);

        ChannelFuture before = sender.write(new DatagramPacket(Unpooled.wrappedBuffer(segment(1, 100)), B));
        ChannelFuture refused = sender.write(new DatagramPacket(Unpooled.wrappedBuffer(segment(2, 100)), unroutable));
        ChannelFuture after = sender.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(segment(3, 100)), B));
        assertTrue(after.await(10, SECONDS) && refused.await(10, SECONDS) && before.await(10, SECONDS));
        assertTrue(before.isSuccess() && after.isSuccess());
        DatagramsRefusedException cause = assertInstanceOf(DatagramsRefusedException.class, refused.cause());
        assertEquals(101, cause.errno(), "ENETUNREACH: " + cause.getMessage());
        assertEquals(1, cause.datagrams());
        assertTrue(cause.getMessage().contains("10.77.0.1"), cause.getMessage());
        assertArrayEquals(segment(1, 100), nextReceived("the datagram before the refused one").bytes());
        assertArrayEquals(segment(3, 100), nextReceived("the datagram after the refused one").bytes());
        assertEquals(1, (long) sender.eventLoop().submit(sender::packetsRejected).get());
    }

    @Test
    void aGsoRunWhoseSegmentsDoNotFitTheMtuIsRefusedWholeAndTurnsGsoOff() throws Exception {
        EspUdpChannel sender = open(lab.nsA, 0, A);
        EspUdpChannel receiver = open(lab.nsB, 0, B);
        receiver.pipeline().addLast(new Collector(receiver));
        assertTrue(sender.isUdpGso());
        ByteBuf run = Unpooled.directBuffer().writeBytes(segment(1, 1600)).writeBytes(segment(2, 1600))
                .writeBytes(segment(3, 100));

        ChannelFuture refused = sender.writeAndFlush(new SegmentedDatagramPacket(run, 1600, B));
        assertTrue(refused.await(10, SECONDS));
        DatagramsRefusedException cause = assertInstanceOf(DatagramsRefusedException.class, refused.cause());
        assertTrue(cause.errno() == Errno.EMSGSIZE || cause.errno() == Errno.EINVAL,
                "segments of 1600 bytes on a 1500-byte link: " + cause.getMessage());
        assertEquals(3, cause.datagrams());
        assertEquals(0, run.refCnt());
        assertTrue(!sender.isUdpGso(), "writers send one by one from now on");

        sender.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(segment(4, 1400)), B)).sync();
        assertArrayEquals(segment(4, 1400), nextReceived("the lone datagram after GSO went off").bytes());
    }

    private Received nextReceived(String what) throws InterruptedException {
        Received next = received.poll(10, SECONDS);
        assertNotNull(next, what + " did not arrive within 10 s");
        return next;
    }

    private EspUdpChannel open(String namespace, int mark, InetSocketAddress local) throws Exception {
        EspUdpChannel channel = NetNamespace.call(namespace, () -> EspUdpChannel.open(mark, BUFFER_BYTES));
        lab.group.register(channel).sync();
        channel.bind(local).sync();
        return channel;
    }

    static byte[] segment(int seed, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed * 7 + i * 13 + (i >> 8));
        }
        return bytes;
    }

    private final class Collector extends ChannelInboundHandlerAdapter {
        private final EspUdpChannel channel;

        Collector(EspUdpChannel channel) {
            this.channel = channel;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf datagram = (ByteBuf) msg;
            received.add(new Received(ByteBufUtil.getBytes(datagram), channel.sender()));
            datagram.release();
        }
    }
}
