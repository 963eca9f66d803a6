package espgw.linux.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The write path's EAGAIN handling, on a non-blocking pipe standing in for the queue fd (pipe
 * writes up to 4096 bytes are all or nothing, like TUN writes, and a pipe really fills up): a
 * producer outruns a slow reader, the channel stalls on EAGAIN, waits for EPOLLOUT, turns
 * unwritable, and the producer drops and counts. Every packet is either delivered, in order, or
 * counted as dropped.
 */
class TunChannelEagainTest {
    private static final int PACKETS = 4000;
    private static final int SIZE = 1000;

    @Test
    @Timeout(60)
    void aFullQueueStallsTheWriterAndNothingVanishes() throws Exception {
        Epoll.ensureAvailability(); // loads the JNI library behind FileDescriptor
        FileDescriptor[] pipe = FileDescriptor.pipe();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        SlowReader reader = new SlowReader(pipe[0]);
        try {
            TunChannel channel = new TunChannel(pipe[1]);
            channel.config().setAutoRead(false); // the write end of a pipe has nothing to read
            group.register(channel).sync();
            reader.start();

            Producer producer = new Producer(channel);
            channel.eventLoop().execute(producer);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (producer.settled() < PACKETS && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long stalls = channel.eventLoop().submit(channel::writeStalls).get();
            channel.close().sync();
            reader.join(10_000);

            assertEquals(PACKETS, producer.settled(), "every packet written, failed or dropped");
            assertEquals(0, producer.failed.get(), "write failures");
            assertTrue(stalls > 1, "the writer did not stall on EAGAIN and resume repeatedly: " + stalls);
            assertTrue(producer.dropped.get() > 0, "the channel never turned unwritable");
            assertEquals(new ArrayList<>(producer.writtenSequences), reader.received,
                    "the reader got exactly the written packets, in order");
            assertEquals(null, reader.failure);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
            pipe[0].close();
        }
    }

    /**
     * Offers 32 packets a millisecond, about four times what the reader takes, so the pipe fills,
     * drains and fills again while EPOLLOUT events are handled in between.
     */
    private static final class Producer implements Runnable {
        private final TunChannel channel;
        private int next;
        final AtomicLong written = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        final ConcurrentLinkedQueue<Integer> writtenSequences = new ConcurrentLinkedQueue<>();

        Producer(TunChannel channel) {
            this.channel = channel;
        }

        long settled() {
            return written.get() + failed.get() + dropped.get();
        }

        @Override
        public void run() {
            for (int i = 0; i < 32 && next < PACKETS; i++, next++) {
                if (!channel.isWritable()) {
                    dropped.incrementAndGet();
                    continue;
                }
                // Every tenth packet is a heap buffer, which the channel has to copy into a direct one.
                ByteBuf packet = next % 10 == 0 ? Unpooled.buffer(SIZE) : channel.alloc().directBuffer(SIZE);
                packet.writeInt(next).writeZero(SIZE - 4);
                int sequence = next;
                channel.writeAndFlush(packet).addListener(f -> {
                    if (f.isSuccess()) {
                        writtenSequences.add(sequence);
                        written.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                });
            }
            if (next < PACKETS) {
                channel.eventLoop().schedule(this, 1, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Reads SIZE-byte frames slowly until end of file, recording their sequence numbers. */
    private static final class SlowReader extends Thread {
        private final FileDescriptor in;
        final List<Integer> received = new ArrayList<>();
        volatile IOException failure;

        SlowReader(FileDescriptor in) {
            super("pipe-reader");
            this.in = in;
        }

        @Override
        public void run() {
            ByteBuffer frame = ByteBuffer.allocateDirect(SIZE);
            try {
                while (true) {
                    int n = in.read(frame, frame.position(), frame.limit());
                    if (n < 0) {
                        return;
                    }
                    if (n == 0) {
                        Thread.sleep(1);
                        continue;
                    }
                    frame.position(frame.position() + n);
                    if (!frame.hasRemaining()) {
                        received.add(frame.getInt(0));
                        frame.clear();
                        if (received.size() % 8 == 0) {
                            Thread.sleep(1);
                        }
                    }
                }
            } catch (IOException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
