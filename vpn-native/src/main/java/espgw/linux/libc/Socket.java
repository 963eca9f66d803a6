package espgw.linux.libc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;

/**
 * {@code sys/socket.h}: socket(2) for the setup sockets espgw needs (an AF_INET datagram socket is
 * the handle interface ioctls are issued on). A socket belongs to the network namespace of the
 * thread that created it, for its whole life.
 */
public final class Socket {
    static {
        Native.register("c");
    }

    public static final int AF_INET = 2;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_CLOEXEC = 0x80000;

    private Socket() {
    }

    public static native int socket(int domain, int type, int protocol) throws LastErrorException;
}
