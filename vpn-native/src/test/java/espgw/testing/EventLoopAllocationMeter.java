package espgw.testing;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Heap bytes allocated per datagram on the event loop thread of a sending and of a receiving
 * channel, as the JVM counts them per thread. Leak detection is off from construction until
 * {@link #close()}, since its records are allocations of their own: make the meter before the
 * channels, so that none of their buffers is tracked either.
 */
public final class EventLoopAllocationMeter implements AutoCloseable {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final int datagramsPerRound;
    private final ResourceLeakDetector.Level leakDetection = ResourceLeakDetector.getLevel();
    private final AtomicReference<CountDownLatch> arrivals = new AtomicReference<>();

    /** For rounds in which {@code datagramsPerRound} datagrams reach the receiver's pipeline. */
    public EventLoopAllocationMeter(int datagramsPerRound) {
        this.datagramsPerRound = datagramsPerRound;
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    /** For the receiver's pipeline: releases each datagram and counts it as arrived. */
    public ChannelHandler arrivalCounter() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                arrivals.get().countDown();
            }
        };
    }

    /**
     * Runs {@code warmUpRounds} rounds and then the measured one, so that the JIT has settled. A
     * round writes {@code writes} messages made by {@code message}, flushing after every
     * {@code flushEvery}, and waits until the round's datagrams have all arrived. The messages are
     * made and written by a task on the sender's own loop, so that its thread runs only the send path.
     */
    public PerDatagram measure(Channel sender, Channel receiver, int warmUpRounds, int writes, int flushEvery,
            Supplier<?> message) throws InterruptedException, ExecutionException {
        long receiverThread = threadOf(receiver);
        long senderThread = threadOf(sender);
        assertTrue(receiverThread != senderThread, "the two channels must run on different threads");
        Runnable send = () -> write(sender, writes, flushEvery, message);
        for (int round = 0; round < warmUpRounds; round++) {
            round(round, sender, receiverThread, senderThread, send);
        }
        return round(warmUpRounds, sender, receiverThread, senderThread, send);
    }

    private PerDatagram round(int round, Channel sender, long receiverThread, long senderThread, Runnable send)
            throws InterruptedException {
        CountDownLatch arrived = new CountDownLatch(datagramsPerRound);
        arrivals.set(arrived);
        long receiverBefore = THREADS.getThreadAllocatedBytes(receiverThread);
        long senderBefore = THREADS.getThreadAllocatedBytes(senderThread);
        sender.eventLoop().submit(send).sync();
        assertTrue(arrived.await(30, SECONDS), "round " + round + ": not all datagrams arrived, "
                + arrived.getCount() + " missing");
        return new PerDatagram(
                (THREADS.getThreadAllocatedBytes(receiverThread) - receiverBefore) / (double) datagramsPerRound,
                (THREADS.getThreadAllocatedBytes(senderThread) - senderBefore) / (double) datagramsPerRound);
    }

    private static void write(Channel sender, int writes, int flushEvery, Supplier<?> message) {
        for (int i = 0; i < writes; i++) {
            sender.write(message.get(), sender.voidPromise());
            if (i % flushEvery == flushEvery - 1) {
                sender.flush();
            }
        }
        sender.flush();
    }

    private static long threadOf(Channel channel) throws InterruptedException, ExecutionException {
        return channel.eventLoop().submit(() -> Thread.currentThread().getId()).get();
    }

    @Override
    public void close() {
        ResourceLeakDetector.setLevel(leakDetection);
    }

    /** Bytes per datagram allocated by the receiver's and by the sender's event loop thread. */
    public record PerDatagram(double receiveBytes, double sendBytes) {
        /** Fails unless the receive path and the send path each allocate less than {@code bytes}. */
        public void assertEachPathBelow(double bytes) {
            assertTrue(receiveBytes < bytes, "receive path allocates " + receiveBytes + " B/datagram");
            assertTrue(sendBytes < bytes, "send path allocates " + sendBytes + " B/datagram");
        }
    }
}
