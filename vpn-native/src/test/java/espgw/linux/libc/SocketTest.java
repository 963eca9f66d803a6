package espgw.linux.libc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The option helpers turn a failed call into a message an operator can act on. Needs no privileges. */
class SocketTest {
    private static final int NOT_A_FD = -1;

    @Test
    void aFailedSetsockoptNamesTheOptionTheValueAndTheErrno() {
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> Socket.setIntOption(NOT_A_FD, Socket.SOL_SOCKET, Socket.SO_MARK, 42, "SO_MARK"));
        assertEquals(Errno.EBADF, e.errno());
        assertEquals("setsockopt SO_MARK=42 on fd -1: Bad file descriptor (errno 9)", e.getMessage());
    }

    @Test
    void aFailedGetsockoptNamesTheOptionAndTheErrno() {
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> Socket.intOption(NOT_A_FD, Socket.SOL_SOCKET, Socket.SO_RCVBUF, "SO_RCVBUF"));
        assertEquals("getsockopt SO_RCVBUF on fd -1: Bad file descriptor (errno 9)", e.getMessage());
    }
}
