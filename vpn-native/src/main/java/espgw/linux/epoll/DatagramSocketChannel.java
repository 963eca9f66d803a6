package espgw.linux.epoll;

import espgw.linux.libc.Errno;
import espgw.linux.libc.NativeCallException;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.util.function.IntFunction;

/**
 * A {@link PacketFdChannel} over a connectionless datagram socket (raw IP or UDP): an error the
 * kernel stores on the socket is reported on the pipeline and cleared, and a failed read does not
 * end the channel.
 */
public abstract class DatagramSocketChannel<M> extends PacketFdChannel<M> implements UnixChannel {
    private final Socket socket;
    private final String name;

    /**
     * Takes ownership of {@code socket}, which must be non-blocking; {@code name} (e.g. "ESP
     * socket") introduces the errors it reports.
     */
    protected DatagramSocketChannel(Socket socket, IntFunction<M[]> newWriteBatch, String name) {
        super(socket, newWriteBatch);
        this.socket = socket;
        this.name = name;
    }

    protected final Socket socket() {
        return socket;
    }

    /** For a batch call that returned minus {@code errno}: 0 for EAGAIN, any other errno is its failure. */
    protected static int wouldBlock(int errno, String call) throws NativeCallException {
        if (errno == Errno.EAGAIN) {
            return 0;
        }
        throw new NativeCallException(call, errno);
    }

    /**
     * EPOLLERR: the kernel stored an error on the socket. Reading SO_ERROR clears it, so that
     * level-triggered epoll does not wake us again for the same error.
     */
    @Override
    protected final boolean errorReady() {
        try {
            int errno = socket.getSoError();
            if (errno != 0) {
                pipeline().fireExceptionCaught(new NativeCallException(name + " error reported by the kernel", errno));
            }
        } catch (IOException e) {
            pipeline().fireExceptionCaught(e);
        }
        return false;
    }

    /** One failed read does not end a connectionless socket. */
    @Override
    protected final boolean closeOnReadFailure() {
        return false;
    }
}
