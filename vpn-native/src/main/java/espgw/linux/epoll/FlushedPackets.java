package espgw.linux.epoll;

import io.netty.channel.ChannelOutboundBuffer;

/**
 * Takes the next flushed packets of a {@link ChannelOutboundBuffer} as a batch for one system
 * call; they stay in the buffer, with their promises, until removed. One per channel, reused for
 * every batch, on the channel's event loop.
 */
final class FlushedPackets<M> implements ChannelOutboundBuffer.MessageProcessor {
    private M[] batch;
    private int limit;
    private int count;

    /**
     * Puts up to {@code max} flushed packets into {@code into}, in order, and returns how many.
     * Writes cancelled before their flush are skipped, but their entries stay in the buffer: see
     * {@link #removeUpTo}.
     */
    int gather(ChannelOutboundBuffer in, M[] into, int max) throws Exception {
        batch = into;
        limit = max;
        count = 0;
        in.forEachFlushedMessage(this);
        return count;
    }

    /** Every message in the buffer passed the channel's filterOutboundMessage: an {@code M}. */
    @Override
    @SuppressWarnings("unchecked")
    public boolean processMessage(Object msg) {
        batch[count++] = (M) msg;
        return count < limit;
    }

    /**
     * Removes the entries before {@code packet}'s (all of them for null), i.e. those of cancelled
     * writes {@link #gather} skipped, so that the buffer's current entry is {@code packet}'s.
     */
    static void removeUpTo(ChannelOutboundBuffer in, Object packet) {
        Object current = in.current();
        while (current != packet && current != null) {
            in.remove();
            current = in.current();
        }
    }
}
