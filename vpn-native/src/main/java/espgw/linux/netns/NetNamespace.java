package espgw.linux.netns;

import com.sun.jna.LastErrorException;
import espgw.linux.libc.LibC;
import espgw.linux.libc.NativeCallException;
import java.io.IOException;

/**
 * Runs setup code with the calling thread inside a named network namespace
 * ({@code /run/netns/NAME}, as made by {@code ip netns add}). A TUN device or a socket opened there
 * stays in that namespace for its whole life, whichever thread later uses the fd — so the lab, the
 * demo and the tests can run several gateways in one JVM. Network namespaces are per thread, so
 * other threads are not affected.
 */
public final class NetNamespace {
    private static final String NETNS_DIR = "/run/netns/";
    private static final String OWN_NETNS = "/proc/thread-self/ns/net";

    @FunctionalInterface
    public interface IoSupplier<T> {
        T get() throws IOException;
    }

    private NetNamespace() {
    }

    /** Runs {@code action} inside namespace {@code name}, or in the current one when name is null. */
    public static <T> T call(String name, IoSupplier<T> action) throws IOException {
        if (name == null) {
            return action.get();
        }
        int home = open(OWN_NETNS);
        try {
            int target = open(NETNS_DIR + name);
            try {
                setns(target, "enter network namespace " + name);
            } finally {
                LibC.close(target);
            }
            try {
                return action.get();
            } finally {
                setns(home, "return to the original network namespace");
            }
        } finally {
            LibC.close(home);
        }
    }

    private static int open(String path) throws NativeCallException {
        try {
            return LibC.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (LastErrorException e) {
            throw NativeCallException.of("open " + path, e);
        }
    }

    private static void setns(int fd, String what) throws NativeCallException {
        try {
            LibC.setns(fd, LibC.CLONE_NEWNET);
        } catch (LastErrorException e) {
            throw NativeCallException.of(what, e);
        }
    }
}
