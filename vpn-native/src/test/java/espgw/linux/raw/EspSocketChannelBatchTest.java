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
import static org.junit.jupiter.api.Assertions.fail;

import espgw.linux.libc.NativeCallException;
import espgw.linux.netns.NetNamespace;
import espgw.testing.VethLab;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The batched system calls of the ESP channel (sendmmsg per flush, recvmmsg per wakeup) on a real
 * veth pair between two namespaces of this test ({@code mm...}). Needs root (see NetnsLab). Every
 * buffer is counted: the allocator has no thread caches, so its active allocations are exact.
 */
@Timeout(120)
class EspSocketChannelBatchTest {
    private static final int ADDRESS_A = address(192, 168, 78, 1);
    private static final int ADDRESS_B = address(192, 168, 78, 2);
    private static final int SPI = 0x5eed0003;
    private static final int BATCH = EspSocketChannel.DATAGRAMS_PER_CALL;
    /** errno.h: a packet larger than the interface MTU, sent with IP_HDRINCL. */
    private static final int EMSGSIZE = 90;
    private static final int VETH_MTU = 1500;

    private VethLab lab;
    private final PooledByteBufAllocator allocator = new PooledByteBufAllocator(true, 0, 1, 8192, 9, 0, 0, false);

    @BeforeEach
    void setUp() {
        lab = new VethLab("mm", "mma", "192.168.78.1/24", "mmb", "192.168.78.2/24", 2);
    }

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void oneFlushGoesOutInFullBatchesAndAPartialOneAndOneWakeupReadsThemTheSameWay() throws Exception {
        int count = 3 * BATCH + 4;
        EspSocketChannel receiver = open(lab.nsB, EspSocketOptions.defaults().withMaxDatagramsPerRead(count));
        BlockingQueue<ReceivedDatagram> received = new LinkedBlockingQueue<>();
        AtomicInteger readCompletes = new AtomicInteger();
        receiver.pipeline().addLast(new ReceivedDatagram.Collector(received), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                readCompletes.incrementAndGet();
            }
        });
        EspSocketChannel sender = open(lab.nsA, EspSocketOptions.defaults());
        lab.group.register(sender).sync();

        List<ChannelFuture> writes = writeAndFlushOnce(sender, count, EspSocketChannelBatchTest::espLength);
        awaitSuccess(writes);
        assertEquals(count, onLoop(sender, sender::packetsWritten));
        assertEquals(4, onLoop(sender, sender::writeCalls), "sendmmsg calls for 3 full batches and one of 4");

        // Registered only once all datagrams wait in its socket: one wakeup reads them all.
        awaitQuietReceiveQueue(lab.nsB);
        lab.group.register(receiver).sync();
        expectInOrder(received, 0, count, EspSocketChannelBatchTest::espLength);
        assertEquals(expectedReadCalls(count), onLoop(receiver, receiver::readCalls),
                "recvmmsg calls: after quiet one slot, doubled while full; a short batch means drained");
        assertEquals(1, readCompletes.get(), "channelReadComplete per wakeup");

        sender.close().sync();
        receiver.close().sync();
        assertEquals(0, activeAllocations(), "buffers not released, spare read buffers included");
    }

    @Test
    void anOversizedPacketInTheMiddleOfABatchFailsAloneAndTheRestArrive() throws Exception {
        int count = 10;
        int oversized = 5;
        BlockingQueue<ReceivedDatagram> received = new LinkedBlockingQueue<>();
        EspSocketChannel receiver = open(lab.nsB, EspSocketOptions.defaults());
        receiver.pipeline().addLast(new ReceivedDatagram.Collector(received));
        lab.group.register(receiver).sync();
        EspSocketChannel sender = open(lab.nsA, EspSocketOptions.defaults());
        lab.group.register(sender).sync();

        List<ChannelFuture> writes = writeAndFlushOnce(sender, count,
                sequence -> sequence == oversized ? VETH_MTU + 100 : 200);
        for (ChannelFuture write : writes) {
            assertTrue(write.await(10, SECONDS));
        }
        for (int sequence = 0; sequence < count; sequence++) {
            ChannelFuture write = writes.get(sequence);
            if (sequence == oversized) {
                NativeCallException refused = assertInstanceOf(NativeCallException.class, write.cause());
                assertEquals(EMSGSIZE, refused.errno());
            } else {
                assertTrue(write.isSuccess(), () -> "write failed: " + write.cause());
            }
        }
        assertEquals(count - 1, onLoop(sender, sender::packetsWritten));
        assertEquals(1, onLoop(sender, sender::packetsRejected));
        assertEquals(3, onLoop(sender, sender::writeCalls), "5 sent, the 6th refused alone, 4 sent");

        for (int sequence = 0; sequence < count; sequence++) {
            if (sequence != oversized) {
                ReceivedDatagram datagram = received.poll(10, SECONDS);
                assertNotNull(datagram, "datagram " + sequence + " did not arrive");
                assertArrayEquals(EspTestPackets.esp(SPI, sequence, 200), datagram.esp(), "datagram " + sequence);
            }
        }
        assertNull(received.poll(300, MILLISECONDS), "the oversized packet arrived after all");
        sender.close().sync();
        receiver.close().sync();
        assertEquals(0, activeAllocations(), "buffers not released");
    }

    @Test
    void aFullSendBufferStopsABatchMidwayAndEpolloutResumesIt() throws Exception {
        int count = 300;
        BlockingQueue<ReceivedDatagram> received = new LinkedBlockingQueue<>();
        EspSocketChannel receiver = open(lab.nsB, EspSocketOptions.defaults().withReceiveBufferBytes(8 << 20));
        receiver.pipeline().addLast(new ReceivedDatagram.Collector(received));
        lab.group.register(receiver).sync();
        // A slow link and the smallest send buffer: a batch meets EAGAIN after a few packets.
        lab.exec(lab.nsA, "tc", "qdisc", "add", "dev", "mma", "root", "tbf", "rate", "50mbit", "burst", "16kb",
                "latency", "2s");
        EspSocketChannel sender = open(lab.nsA, EspSocketOptions.defaults().withSendBufferBytes(4096));
        lab.group.register(sender).sync();

        List<ChannelFuture> writes = writeAndFlushOnce(sender, count, sequence -> 1000);
        awaitSuccess(writes);
        expectInOrder(received, 0, count, sequence -> 1000);

        assertEquals(count, onLoop(sender, sender::packetsWritten));
        assertEquals(0, onLoop(sender, sender::packetsRejected));
        assertTrue(onLoop(sender, sender::writeStalls) > 0, "the sender never met EAGAIN");
        assertTrue(onLoop(sender, sender::writeCalls) > (count + BATCH - 1) / BATCH,
                "every batch went out whole: no partial sendmmsg tested");
        sender.close().sync();
        receiver.close().sync();
        assertEquals(0, activeAllocations(), "buffers not released");
    }

    @Test
    void aWriteCancelledBeforeTheFlushIsSkippedAndReleased() throws Exception {
        BlockingQueue<ReceivedDatagram> received = new LinkedBlockingQueue<>();
        EspSocketChannel receiver = open(lab.nsB, EspSocketOptions.defaults());
        receiver.pipeline().addLast(new ReceivedDatagram.Collector(received));
        lab.group.register(receiver).sync();
        EspSocketChannel sender = open(lab.nsA, EspSocketOptions.defaults());
        lab.group.register(sender).sync();
        ByteBuf cancelled = EspTestPackets.packet(allocator, ADDRESS_A, ADDRESS_B, EspTestPackets.esp(SPI, 1, 100));

        List<ChannelFuture> writes = sender.eventLoop().submit(() -> {
            List<ChannelFuture> futures = new ArrayList<>();
            futures.add(sender.write(packet(0, 100)));
            ChannelPromise promise = sender.newPromise();
            sender.write(cancelled, promise);
            promise.cancel(false);
            futures.add(promise);
            futures.add(sender.write(packet(2, 100)));
            sender.flush();
            return futures;
        }).get(10, SECONDS);

        assertTrue(writes.get(1).isCancelled());
        awaitSuccess(List.of(writes.get(0), writes.get(2)));
        assertArrayEquals(EspTestPackets.esp(SPI, 0, 100), received.poll(10, SECONDS).esp());
        assertArrayEquals(EspTestPackets.esp(SPI, 2, 100), received.poll(10, SECONDS).esp());
        assertNull(received.poll(300, MILLISECONDS), "the cancelled packet was sent");
        assertEquals(0, cancelled.refCnt(), "the cancelled packet was not released");
        assertEquals(2, onLoop(sender, sender::packetsWritten));
        assertEquals(1, onLoop(sender, sender::writeCalls));
        sender.close().sync();
        receiver.close().sync();
        assertEquals(0, activeAllocations(), "buffers not released");
    }

    @Test
    void aHandlerThatClosesTheChannelMidBatchLeavesNoBufferBehind() throws Exception {
        int count = 2 * BATCH;
        int closeAt = 5;
        EspSocketChannel receiver = open(lab.nsB, EspSocketOptions.defaults());
        AtomicInteger delivered = new AtomicInteger();
        receiver.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                if (delivered.incrementAndGet() == closeAt) {
                    ctx.close();
                }
            }
        });
        EspSocketChannel sender = open(lab.nsA, EspSocketOptions.defaults());
        lab.group.register(sender).sync();
        awaitSuccess(writeAndFlushOnce(sender, count, sequence -> 100));
        awaitQuietReceiveQueue(lab.nsB);

        lab.group.register(receiver).sync();
        receiver.closeFuture().await(10, SECONDS);

        assertTrue(!receiver.isOpen(), "the handler did not close the channel");
        assertEquals(closeAt, delivered.get(), "datagrams delivered after the close");
        sender.close().sync();
        assertEquals(0, activeAllocations(), "the rest of the batch was not released");
    }

    private List<ChannelFuture> writeAndFlushOnce(EspSocketChannel sender, int count, IntUnaryOperator espLength)
            throws Exception {
        return sender.eventLoop().submit(() -> {
            List<ChannelFuture> futures = new ArrayList<>(count);
            for (int sequence = 0; sequence < count; sequence++) {
                futures.add(sender.write(packet(sequence, espLength.applyAsInt(sequence))));
            }
            sender.flush();
            return futures;
        }).get(10, SECONDS);
    }

    private ByteBuf packet(int sequence, int espLength) {
        return EspTestPackets.packet(allocator, ADDRESS_A, ADDRESS_B, EspTestPackets.esp(SPI, sequence, espLength));
    }

    private static void awaitSuccess(List<ChannelFuture> writes) throws InterruptedException {
        for (ChannelFuture write : writes) {
            assertTrue(write.await(30, SECONDS), "write not done in time");
            assertTrue(write.isSuccess(), () -> "write failed: " + write.cause());
        }
    }

    private static void expectInOrder(BlockingQueue<ReceivedDatagram> received, int first, int count,
            IntUnaryOperator espLength) throws InterruptedException {
        for (int sequence = first; sequence < first + count; sequence++) {
            ReceivedDatagram datagram = received.poll(10, SECONDS);
            assertNotNull(datagram, "datagram " + sequence + " did not arrive");
            assertEquals(ADDRESS_A, datagram.source(), "outer source address");
            assertArrayEquals(EspTestPackets.esp(SPI, sequence, espLength.applyAsInt(sequence)), datagram.esp(),
                    "ESP bytes of datagram " + sequence);
        }
    }

    /**
     * Waits until the receive queue of the raw sockets in {@code ns} stops growing, so that a
     * channel registered next finds every datagram sent so far at its first wakeup.
     */
    private void awaitQuietReceiveQueue(String ns) throws InterruptedException {
        long previous = -1;
        for (int attempt = 0; attempt < 100; attempt++) {
            long queued = receiveQueueBytes(ns);
            if (queued > 0 && queued == previous) {
                return;
            }
            previous = queued;
            Thread.sleep(50);
        }
        fail("the receive queue in " + ns + " did not settle: " + previous + " bytes");
    }

    /** The rx_queue column of /proc/net/raw (tx_queue:rx_queue, hexadecimal), summed. */
    private long receiveQueueBytes(String ns) {
        long total = 0;
        for (String line : lab.exec(ns, "cat", "/proc/net/raw").split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length > 4 && columns[0].endsWith(":")) {
                total += Long.parseLong(columns[4].substring(columns[4].indexOf(':') + 1), 16);
            }
        }
        return total;
    }

    /** A counter, read on the channel's event loop as its confinement requires. */
    private static long onLoop(EspSocketChannel channel, Callable<Long> counter) throws Exception {
        return channel.eventLoop().submit(counter).get(10, SECONDS);
    }

    private EspSocketChannel open(String namespace, EspSocketOptions options) throws IOException {
        EspSocketChannel channel = NetNamespace.call(namespace, () -> EspSocketChannel.open(options));
        channel.config().setAllocator(allocator);
        return channel;
    }

    /** 40 to 500 ESP bytes, so that a flush of a hundred fits the default send buffer. */
    private static int espLength(int sequence) {
        return 40 + sequence * 37 % 460;
    }

    private long activeAllocations() {
        long active = 0;
        for (PoolArenaMetric arena : allocator.metric().directArenas()) {
            active += arena.numActiveAllocations();
        }
        return active;
    }

    /** recvmmsg calls for {@code datagrams} waiting: offers of 1, 2, 4 ... slots up to a batch, the last one short. */
    private static int expectedReadCalls(int datagrams) {
        int calls = 0;
        for (int room = 1, left = datagrams; left >= 0; room = Math.min(2 * room, BATCH)) {
            calls++;
            left -= room;
        }
        return calls;
    }
}
