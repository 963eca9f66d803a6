package espgw.linux.raw;

import static espgw.linux.libc.NetinetIn.IPPROTO_ESP;
import static espgw.linux.libc.NetinetIn.IPPROTO_IP;
import static espgw.linux.libc.NetinetIn.IP_HDRINCL;
import static espgw.linux.libc.Socket.AF_INET;
import static espgw.linux.libc.Socket.SOCK_CLOEXEC;
import static espgw.linux.libc.Socket.SOCK_NONBLOCK;
import static espgw.linux.libc.Socket.SOCK_RAW;
import static espgw.linux.libc.Socket.SOL_SOCKET;
import static espgw.linux.libc.Socket.SO_MARK;
import static espgw.linux.libc.Socket.SO_RCVBUFFORCE;
import static espgw.linux.libc.Socket.SO_SNDBUFFORCE;

import com.sun.jna.LastErrorException;
import espgw.linux.libc.LibC;
import espgw.linux.libc.NativeCallException;
import espgw.linux.libc.Socket;

/** Opens and configures the raw ESP socket with JNA (setup only), returning its fd. */
final class RawEspSocket {
    private RawEspSocket() {
    }

    /** A non-blocking raw ESP socket in the calling thread's network namespace. */
    static int open(EspSocketOptions options) throws NativeCallException {
        int fd;
        try {
            fd = Socket.socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ESP);
        } catch (LastErrorException e) {
            throw NativeCallException.of("socket(AF_INET, SOCK_RAW, IPPROTO_ESP), which needs CAP_NET_RAW", e);
        }
        try {
            configure(fd, options);
            return fd;
        } catch (NativeCallException e) {
            LibC.close(fd);
            throw e;
        }
    }

    private static void configure(int fd, EspSocketOptions options) throws NativeCallException {
        // Our handlers build the outer IPv4 header (source, TTL, DF); the kernel must not add its own.
        Socket.setIntOption(fd, IPPROTO_IP, IP_HDRINCL, 1, "IP_HDRINCL");
        if (options.mark() != 0) {
            Socket.setIntOption(fd, SOL_SOCKET, SO_MARK, options.mark(), "SO_MARK (needs CAP_NET_ADMIN)");
        }
        // The FORCE variants: a gateway needs buffers beyond net.core.[rw]mem_max, and the daemon
        // holds CAP_NET_ADMIN anyway.
        if (options.receiveBufferBytes() > 0) {
            Socket.setIntOption(fd, SOL_SOCKET, SO_RCVBUFFORCE, options.receiveBufferBytes(),
                    "SO_RCVBUFFORCE (needs CAP_NET_ADMIN)");
        }
        if (options.sendBufferBytes() > 0) {
            Socket.setIntOption(fd, SOL_SOCKET, SO_SNDBUFFORCE, options.sendBufferBytes(),
                    "SO_SNDBUFFORCE (needs CAP_NET_ADMIN)");
        }
    }
}
