package espgw.linux.libc;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * A failed system call, described for an operator: what was attempted, on what, and the errno
 * text ({@code "open /dev/net/tun: No such file or directory (errno 2)"}).
 */
public class NativeCallException extends IOException {
    private final int errno;

    public NativeCallException(String what, int errno) {
        super(what + ": " + LibC.strerror(errno) + " (errno " + errno + ")");
        this.errno = errno;
    }

    public static NativeCallException of(String what, LastErrorException e) {
        return new NativeCallException(what, e.getErrorCode());
    }

    public int errno() {
        return errno;
    }
}
