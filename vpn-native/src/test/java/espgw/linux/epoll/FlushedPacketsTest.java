package espgw.linux.epoll;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batches taken from a real outbound buffer (an EmbeddedChannel's, filled directly). */
class FlushedPacketsTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ChannelOutboundBuffer in = channel.unsafe().outboundBuffer();
    private final FlushedPackets<ByteBuf> flushed = new FlushedPackets<>();

    @AfterEach
    void tearDown() {
        while (in.remove()) {
            continue;
        }
        channel.finishAndReleaseAll();
    }

    @Test
    void takesFlushedPacketsInOrderUpToTheLimitAndLeavesThemInTheBuffer() throws Exception {
        ByteBuf[] packets = {packet(1), packet(2), packet(3)};
        for (ByteBuf packet : packets) {
            in.addMessage(packet, packet.readableBytes(), channel.newPromise());
        }
        in.addFlush();
        ByteBuf unflushed = packet(4);
        in.addMessage(unflushed, unflushed.readableBytes(), channel.newPromise());
        ByteBuf[] batch = new ByteBuf[4];

        assertEquals(2, flushed.gather(in, batch, 2));
        assertArrayEquals(new ByteBuf[] {packets[0], packets[1], null, null}, batch);
        assertEquals(3, flushed.gather(in, batch, 4), "only flushed packets");
        assertSame(packets[2], batch[2]);
        assertSame(packets[0], in.current(), "gathering removes nothing");
    }

    @Test
    void skipsWritesCancelledBeforeTheFlushAndRemoveUpToDropsTheirEntries() throws Exception {
        ByteBuf first = packet(1);
        ByteBuf cancelled = packet(2);
        ByteBuf last = packet(3);
        ChannelPromise firstPromise = channel.newPromise();
        ChannelPromise cancelledPromise = channel.newPromise();
        ChannelPromise lastPromise = channel.newPromise();
        in.addMessage(first, 1, firstPromise);
        in.addMessage(cancelled, 1, cancelledPromise);
        in.addMessage(last, 1, lastPromise);
        cancelledPromise.cancel(false);
        in.addFlush();
        ByteBuf[] batch = new ByteBuf[4];

        assertEquals(2, flushed.gather(in, batch, 4));
        assertSame(first, batch[0]);
        assertSame(last, batch[1]);
        assertEquals(0, cancelled.refCnt(), "the buffer released the cancelled packet at the flush");

        FlushedPackets.removeUpTo(in, batch[0]);
        in.remove();
        FlushedPackets.removeUpTo(in, batch[1]);
        assertSame(last, in.current(), "the cancelled entry is gone, the next packet is current");
        in.remove();
        assertTrue(firstPromise.isSuccess() && lastPromise.isSuccess());
        assertNull(in.current());
        assertEquals(0, flushed.gather(in, batch, 4));
    }

    @Test
    void removeUpToNullDropsOnlyCancelledEntriesLeftAtTheEnd() {
        ChannelPromise promise = channel.newPromise();
        ByteBuf cancelled = packet(1);
        in.addMessage(cancelled, 1, promise);
        promise.cancel(false);
        in.addFlush();

        FlushedPackets.removeUpTo(in, null);

        assertNull(in.current());
        assertTrue(in.isEmpty());
    }

    private static ByteBuf packet(int marker) {
        return Unpooled.directBuffer(1).writeByte(marker);
    }
}
