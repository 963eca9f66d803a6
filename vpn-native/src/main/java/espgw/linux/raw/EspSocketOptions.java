package espgw.linux.raw;

/**
 * How {@link EspSocketChannel#open} sets up the raw ESP socket.
 *
 * @param mark               SO_MARK for every packet sent, so a policy rule can keep the daemon's
 *                           own ESP packets out of the route into the TUN; 0 leaves it unset.
 * @param receiveBufferBytes kernel receive buffer (SO_RCVBUFFORCE, which ignores
 *                           net.core.rmem_max; the kernel doubles it); 0 keeps the default.
 * @param sendBufferBytes    kernel send buffer (SO_SNDBUFFORCE); 0 keeps the default.
 * @param maxDatagramSize    size of each receive buffer; a longer datagram is truncated by the
 *                           kernel, so the channel drops and counts it. Raw sockets get no GRO, so
 *                           the path MTU bounds real datagrams.
 * @param maxDatagramsPerRead datagrams read per epoll wakeup before other channels get a turn.
 */
public record EspSocketOptions(
        int mark, int receiveBufferBytes, int sendBufferBytes, int maxDatagramSize, int maxDatagramsPerRead) {

    /** Room for a 1500-byte MTU with slack; a multiple that the pooled allocator caches per thread. */
    public static final int DEFAULT_MAX_DATAGRAM_SIZE = 2048;
    public static final int DEFAULT_MAX_DATAGRAMS_PER_READ = 64;

    public EspSocketOptions {
        requireAtLeast(receiveBufferBytes, 0, "receiveBufferBytes");
        requireAtLeast(sendBufferBytes, 0, "sendBufferBytes");
        requireAtLeast(maxDatagramSize, EspDatagrams.IPV4_MIN_HEADER_LENGTH, "maxDatagramSize");
        requireAtLeast(maxDatagramsPerRead, 1, "maxDatagramsPerRead");
    }

    /** No mark, kernel default buffers, 2048-byte datagrams, 64 per wakeup. */
    public static EspSocketOptions defaults() {
        return new EspSocketOptions(0, 0, 0, DEFAULT_MAX_DATAGRAM_SIZE, DEFAULT_MAX_DATAGRAMS_PER_READ);
    }

    public EspSocketOptions withMark(int newMark) {
        return new EspSocketOptions(newMark, receiveBufferBytes, sendBufferBytes, maxDatagramSize, maxDatagramsPerRead);
    }

    public EspSocketOptions withReceiveBufferBytes(int bytes) {
        return new EspSocketOptions(mark, bytes, sendBufferBytes, maxDatagramSize, maxDatagramsPerRead);
    }

    public EspSocketOptions withSendBufferBytes(int bytes) {
        return new EspSocketOptions(mark, receiveBufferBytes, bytes, maxDatagramSize, maxDatagramsPerRead);
    }

    public EspSocketOptions withMaxDatagramSize(int bytes) {
        return new EspSocketOptions(mark, receiveBufferBytes, sendBufferBytes, bytes, maxDatagramsPerRead);
    }

    public EspSocketOptions withMaxDatagramsPerRead(int count) {
        return new EspSocketOptions(mark, receiveBufferBytes, sendBufferBytes, maxDatagramSize, count);
    }

    private static void requireAtLeast(int value, int minimum, String name) {
        if (value < minimum) {
            throw new IllegalArgumentException(name + " must be at least " + minimum + ", got " + value);
        }
    }
}
