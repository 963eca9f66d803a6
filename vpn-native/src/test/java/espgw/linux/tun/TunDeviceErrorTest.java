package espgw.linux.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import espgw.linux.libc.Errno;
import espgw.linux.libc.NativeCallException;
import espgw.linux.netns.NetNamespace;
import espgw.testing.NetnsLab;
import org.junit.jupiter.api.Test;

/** What an operator reads when a TUN device cannot be opened: the cause, the errno text, no stack trace. */
class TunDeviceErrorTest {
    @Test
    void missingDeviceNodeSaysSo() {
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> TunDevice.open("/nonexistent/net/tun", "tun0", 1, false));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open /nonexistent/net/tun (the TUN device node is missing: load the tun kernel module"
                + " or create the node with mknod /nonexistent/net/tun c 10 200): No such file or directory (errno 2)",
                e.getMessage());
    }

    @Test
    void aPathThatIsNoTunNodeIsRefusedByTunsetiff() {
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> TunDevice.open("/dev/null", "tun0", 1, false));
        assertEquals("TUNSETIFF tun0: Inappropriate ioctl for device (errno 25)", e.getMessage());
    }

    @Test
    void anInvalidInterfaceNameIsRefusedByTheKernel() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("badname");
            NativeCallException e = assertThrows(NativeCallException.class,
                    () -> NetNamespace.call(ns, () -> TunDevice.open("bad/name", 1)));
            assertEquals(Errno.EINVAL, e.errno());
            assertEquals("TUNSETIFF bad/name (invalid interface name or flags, or a non-TUN interface has this name):"
                    + " Invalid argument (errno 22)", e.getMessage());
        }
    }

    @Test
    void aNameTooLongNeverReachesTheKernel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TunDevice.open("/nonexistent/net/tun", "sixteen-chars-xx", 1, false));
        assertEquals("interface name 'sixteen-chars-xx' must be 1 to 15 ASCII characters", e.getMessage());
    }

    @Test
    void severalQueuesNeedMultiQueue() {
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open(TunDevice.DEFAULT_PATH, "tun0", 2, false));
    }
}
