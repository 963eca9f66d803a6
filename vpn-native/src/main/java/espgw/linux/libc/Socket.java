package espgw.linux.libc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * {@code sys/socket.h}: creating sockets Netty cannot create itself (raw IP sockets, and the
 * datagram socket interface ioctls are issued on), setting their options, and the batched
 * sendmmsg/recvmmsg Netty does not offer for them. Direct-mapped. Everything but the two batch
 * calls is setup only; single packets on the resulting fd go through Netty's JNI
 * ({@code io.netty.channel.unix.Socket}), batches through one {@link #sendmmsg} or
 * {@link #recvmmsg} each (see {@link MessageVector}). A socket belongs to the network namespace of
 * the thread that created it, for its whole life.
 */
public final class Socket {
    static {
        Native.register("c");
    }

    /** {@code bits/socket.h}: address family. */
    public static final int AF_INET = 2;

    /** {@code bits/socket_type.h}: socket type and the flags that may be or-ed into it. */
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;

    /** {@code asm-generic/socket.h}: socket-level options. */
    public static final int SOL_SOCKET = 1;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_SNDBUFFORCE = 32;
    public static final int SO_RCVBUFFORCE = 33;
    public static final int SO_MARK = 36;

    private static final int INT_SIZE = 4;

    private Socket() {
    }

    public static native int socket(int domain, int type, int protocol) throws LastErrorException;

    public static native int setsockopt(int fd, int level, int optname, int[] optval, int optlen)
            throws LastErrorException;

    public static native int getsockopt(int fd, int level, int optname, int[] optval, int[] optlen)
            throws LastErrorException;

    /**
     * sendmmsg(2): sends {@code msgvec[0..vlen)} in one system call. Returns how many were sent,
     * or -1 with the errno in {@link Native#getLastError()}: no exception, since EAGAIN is routine
     * on a busy socket and an exception per call would be garbage on the hot path.
     */
    public static native int sendmmsg(int sockfd, Pointer msgvec, int vlen, int flags);

    /**
     * recvmmsg(2): receives up to {@code vlen} datagrams in one system call; on a non-blocking
     * socket with a null {@code timeout} it stops at the first that is not there yet. Returns how
     * many were received, or -1 with the errno in {@link Native#getLastError()}, as
     * {@link #sendmmsg}.
     */
    public static native int recvmmsg(int sockfd, Pointer msgvec, int vlen, int flags, Pointer timeout);

    /** setsockopt(2) for an {@code int} option; {@code name} appears in the error message. */
    public static void setIntOption(int fd, int level, int optname, int value, String name)
            throws NativeCallException {
        try {
            setsockopt(fd, level, optname, new int[] {value}, INT_SIZE);
        } catch (LastErrorException e) {
            throw NativeCallException.of("setsockopt " + name + "=" + value + " on fd " + fd, e);
        }
    }

    /** getsockopt(2) for an {@code int} option; {@code name} appears in the error message. */
    public static int intOption(int fd, int level, int optname, String name) throws NativeCallException {
        int[] value = new int[1];
        try {
            getsockopt(fd, level, optname, value, new int[] {INT_SIZE});
        } catch (LastErrorException e) {
            throw NativeCallException.of("getsockopt " + name + " on fd " + fd, e);
        }
        return value[0];
    }
}
