package espgw.linux.raw;

import static espgw.linux.raw.EspTestPackets.address;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.linux.libc.NetinetIn;
import espgw.linux.libc.Socket;
import espgw.linux.netns.NetNamespace;
import espgw.testing.VethLab;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two namespaces joined by a veth pair, an ESP channel in each. Needs root (see NetnsLab). */
@Timeout(120)
class EspSocketChannelTest {
    private static final int ADDRESS_A = address(192, 168, 77, 1);
    private static final int ADDRESS_B = address(192, 168, 77, 2);
    private static final int SPI = 0x5eed0001;
    private static final int ESP_OVERHEAD_AND_MARKER = 40;

    private VethLab lab;
    /** No thread caches, so that its active allocation count is exact. */
    private final PooledByteBufAllocator allocator = new PooledByteBufAllocator(true, 0, 1, 8192, 9, 0, 0, false);

    @BeforeEach
    void setUp() {
        lab = new VethLab("eg", "esa", "192.168.77.1/24", "esb", "192.168.77.2/24", 2);
    }

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void everyDatagramArrivesWithItsOuterSourceAndExactEspBytesDespiteBackpressure() throws Exception {
        BlockingQueue<ReceivedDatagram> received = new LinkedBlockingQueue<>();
        EspSocketChannel receiver = open(lab.nsB, EspSocketOptions.defaults().withReceiveBufferBytes(8 << 20));
        receiver.pipeline().addLast(new ReceivedDatagram.Collector(received));
        lab.group.register(receiver).sync();

        // A slow link and a tiny send buffer: the sender must hit EAGAIN and resume on EPOLLOUT.
        lab.exec(lab.nsA, "tc", "qdisc", "add", "dev", "esa", "root", "tbf", "rate", "50mbit", "burst", "16kb",
                "latency", "2s");
        EspSocketChannel sender = open(lab.nsA, EspSocketOptions.defaults().withSendBufferBytes(4096));
        sender.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8 * 1024, 16 * 1024));
        AtomicInteger writabilityChanges = new AtomicInteger();
        sender.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                writabilityChanges.incrementAndGet();
            }
        });
        lab.group.register(sender).sync();

        int count = 1000;
        List<ChannelFuture> writes = new ArrayList<>(count);
        for (int sequence = 0; sequence < count; sequence++) {
            writes.add(sender.writeAndFlush(EspTestPackets.packet(allocator, ADDRESS_A, ADDRESS_B,
                    EspTestPackets.esp(SPI, sequence, espLength(sequence)))));
        }
        for (ChannelFuture write : writes) {
            assertTrue(write.await(30, SECONDS), "write not done in time");
            assertTrue(write.isSuccess(), () -> "write failed: " + write.cause());
        }
        for (int sequence = 0; sequence < count; sequence++) {
            ReceivedDatagram datagram = received.poll(10, SECONDS);
            assertNotNull(datagram, "datagram " + sequence + " of " + count + " did not arrive");
            assertEquals(ADDRESS_A, datagram.source(), "outer source address");
            assertArrayEquals(EspTestPackets.esp(SPI, sequence, espLength(sequence)), datagram.esp(),
                    "ESP bytes of datagram " + sequence);
        }
        assertTrue(writabilityChanges.get() > 0, "the sender never filled its write buffer: no backpressure tested");
        assertEquals(0, receiver.truncatedDatagrams());

        sender.close().sync();
        receiver.close().sync();
        assertEquals(0, activeAllocations(), "buffers not released");
    }

    @Test
    void optionsAreAppliedToTheSocket() throws Exception {
        EspSocketChannel marked = open(lab.nsA, EspSocketOptions.defaults()
                .withMark(0x2a).withReceiveBufferBytes(1 << 20).withSendBufferBytes(1 << 18));
        EspSocketChannel plain = open(lab.nsA, EspSocketOptions.defaults());
        try {
            int fd = marked.fd().intValue();
            assertEquals(0x2a, Socket.intOption(fd, Socket.SOL_SOCKET, Socket.SO_MARK, "SO_MARK"));
            // The kernel doubles the size asked for, to account for its bookkeeping.
            assertEquals(2 << 20, Socket.intOption(fd, Socket.SOL_SOCKET, Socket.SO_RCVBUF, "SO_RCVBUF"));
            assertEquals(2 << 18, Socket.intOption(fd, Socket.SOL_SOCKET, Socket.SO_SNDBUF, "SO_SNDBUF"));
            assertEquals(1, Socket.intOption(fd, NetinetIn.IPPROTO_IP, NetinetIn.IP_HDRINCL, "IP_HDRINCL"));
            assertEquals(0, Socket.intOption(plain.fd().intValue(), Socket.SOL_SOCKET, Socket.SO_MARK, "SO_MARK"));
        } finally {
            lab.group.register(marked).sync().channel().close().sync();
            lab.group.register(plain).sync().channel().close().sync();
        }
        assertTrue(!marked.isOpen() && !plain.isOpen());
    }

    @Test
    void aDatagramLongerThanTheReceiveBufferIsDroppedAndCounted() throws Exception {
        BlockingQueue<ReceivedDatagram> received = new LinkedBlockingQueue<>();
        EspSocketChannel receiver = open(lab.nsB, EspSocketOptions.defaults().withMaxDatagramSize(256));
        receiver.pipeline().addLast(new ReceivedDatagram.Collector(received));
        lab.group.register(receiver).sync();
        EspSocketChannel sender = open(lab.nsA, EspSocketOptions.defaults());
        lab.group.register(sender).sync();

        sender.writeAndFlush(EspTestPackets.packet(allocator, ADDRESS_A, ADDRESS_B, EspTestPackets.esp(SPI, 1, 300)))
                .sync();
        sender.writeAndFlush(EspTestPackets.packet(allocator, ADDRESS_A, ADDRESS_B, EspTestPackets.esp(SPI, 2, 100)))
                .sync();

        ReceivedDatagram datagram = received.poll(10, SECONDS);
        assertNotNull(datagram);
        assertArrayEquals(EspTestPackets.esp(SPI, 2, 100), datagram.esp(), "the short datagram, whole");
        assertEquals(1, receiver.truncatedDatagrams());
        sender.close().sync();
        receiver.close().sync();
        assertEquals(0, activeAllocations(), "buffers not released");
    }

    @Test
    void withoutAutoReadEachReadDeliversOneDatagram() throws Exception {
        BlockingQueue<ReceivedDatagram> received = new LinkedBlockingQueue<>();
        EspSocketChannel receiver = open(lab.nsB, EspSocketOptions.defaults());
        receiver.config().setAutoRead(false);
        receiver.pipeline().addLast(new ReceivedDatagram.Collector(received));
        lab.group.register(receiver).sync();
        EspSocketChannel sender = open(lab.nsA, EspSocketOptions.defaults());
        lab.group.register(sender).sync();

        for (int sequence = 0; sequence < 3; sequence++) {
            sender.writeAndFlush(EspTestPackets.packet(allocator, ADDRESS_A, ADDRESS_B,
                    EspTestPackets.esp(SPI, sequence, 64))).sync();
        }
        assertNull(received.poll(300, MILLISECONDS), "read without read()");
        for (int sequence = 0; sequence < 3; sequence++) {
            receiver.read();
            ReceivedDatagram datagram = received.poll(10, SECONDS);
            assertNotNull(datagram, "read() delivered nothing");
            assertArrayEquals(EspTestPackets.esp(SPI, sequence, 64), datagram.esp());
            assertNull(received.poll(200, MILLISECONDS), "more than one per read()");
        }
        sender.close().sync();
        receiver.close().sync();
        assertEquals(0, activeAllocations(), "buffers not released");
    }

    @Test
    void rejectsAndReleasesWhatItCannotSend() throws Exception {
        EspSocketChannel sender = open(lab.nsA, EspSocketOptions.defaults());
        lab.group.register(sender).sync();
        ByteBuf heap = Unpooled.buffer(64).writeZero(64);
        ByteBuf tooShort = Unpooled.directBuffer(19).writeZero(19);

        ChannelFuture heapWrite = sender.writeAndFlush(heap).await();
        ChannelFuture shortWrite = sender.writeAndFlush(tooShort).await();

        assertInstanceOf(IllegalArgumentException.class, heapWrite.cause());
        assertInstanceOf(IllegalArgumentException.class, shortWrite.cause());
        assertEquals(0, heap.refCnt());
        assertEquals(0, tooShort.refCnt());
        assertTrue(sender.isOpen());
        sender.close().sync();
    }

    private EspSocketChannel open(String namespace, EspSocketOptions options) throws IOException {
        EspSocketChannel channel = NetNamespace.call(namespace, () -> EspSocketChannel.open(options));
        channel.config().setAllocator(allocator);
        return channel;
    }

    /** 40 to 1439 ESP bytes: outer packets up to 1459 bytes, under the veth's 1500 MTU. */
    private static int espLength(int sequence) {
        return ESP_OVERHEAD_AND_MARKER + sequence * 37 % 1400;
    }

    private long activeAllocations() {
        long active = 0;
        for (PoolArenaMetric arena : allocator.metric().directArenas()) {
            active += arena.numActiveAllocations();
        }
        return active;
    }
}
