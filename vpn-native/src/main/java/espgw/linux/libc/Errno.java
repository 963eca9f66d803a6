package espgw.linux.libc;

/** {@code errno.h} values espgw reacts to. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;
    public static final int EMSGSIZE = 90;
    /** A TUN queue whose interface was deleted. */
    public static final int EBADFD = 77;

    private Errno() {
    }
}
