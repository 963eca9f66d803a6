package espgw.linux.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.linux.libc.Errno;
import espgw.linux.libc.NativeCallException;
import espgw.linux.netns.NetNamespace;
import espgw.testing.NetnsLab;
import espgw.testing.Privileges;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What an operator reads when a TUN device cannot be opened: the cause, the errno text, no stack trace. */
class TunDeviceErrorTest {
    @Test
    void missingDeviceNodeSaysSo() {
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> TunDevice.open("/nonexistent/net/tun", "tun0", 1, false, false));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("open /nonexistent/net/tun (the TUN device node is missing: load the tun kernel module"
                + " or create the node with mknod /nonexistent/net/tun c 10 200): No such file or directory (errno 2)",
                e.getMessage());
    }

    @Test
    void aPathThatIsNoTunNodeIsRefusedByTunsetiff() {
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> TunDevice.open("/dev/null", "tun0", 1, false, false));
        assertEquals(Errno.ENOTTY, e.errno());
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
    void withoutCapNetAdminTheMessageNamesTheMissingCapability() {
        Privileges.requireCommand("setpriv");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (NetnsLab lab = new NetnsLab()) {
            // In a namespace of its own, so even a probe that kept the capability touches no host interface.
            String ns = lab.namespace("nocap");
            NetnsLab.Result probe = lab.tryExec(ns, 60, "setpriv", "--inh-caps=-net_admin",
                    "--bounding-set=-net_admin", java, "-cp", System.getProperty("java.class.path"),
                    TunOpenProbe.class.getName(), "tun%d");

            assertEquals(3, probe.exitCode(), probe.output());
            assertTrue(probe.output().contains("TUNSETIFF tun%d (creating or attaching a TUN interface needs"
                    + " CAP_NET_ADMIN): Operation not permitted (errno 1)"), probe.output());
        }
    }

    @Test
    void aNameTooLongNeverReachesTheKernel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TunDevice.open("/nonexistent/net/tun", "sixteen-chars-xx", 1, false, false));
        assertEquals("interface name 'sixteen-chars-xx' must be 1 to 15 ASCII characters", e.getMessage());
    }

    @Test
    void severalQueuesNeedMultiQueue() {
        assertThrows(IllegalArgumentException.class, () -> TunDevice.open(TunDevice.DEFAULT_PATH, "tun0", 2, false, false));
    }
}
