package espgw.linux.libc;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc calls espgw makes at setup time ({@code fcntl.h}, {@code unistd.h},
 * {@code sys/ioctl.h}, {@code sched.h}, {@code string.h}). Direct-mapped; never called per packet.
 * Every call that can fail throws {@link LastErrorException}; {@link NativeCallException#of}
 * turns that into an operator-readable message.
 */
public final class LibC {
    static {
        Native.register("c");
    }

    /** {@code fcntl.h} */
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_CLOEXEC = 0x80000;

    /** {@code sched.h}: the namespace type argument of setns(2). */
    public static final int CLONE_NEWNET = 0x40000000;

    private LibC() {
    }

    public static native int open(String path, int flags) throws LastErrorException;

    public static native int close(int fd) throws LastErrorException;

    /** ioctl(2) with a pointer argument (a struct in native memory). */
    public static native int ioctl(int fd, long request, Pointer argp) throws LastErrorException;

    /** ioctl(2) with an integer argument. */
    public static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    public static native int setns(int fd, int nstype) throws LastErrorException;

    public static native String strerror(int errnum);
}
