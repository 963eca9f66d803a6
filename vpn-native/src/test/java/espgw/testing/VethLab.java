package espgw.testing;

import static java.util.concurrent.TimeUnit.SECONDS;

import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;

/**
 * Two test hosts for channel tests: namespaces {@link #nsA} and {@link #nsB} of a {@link NetnsLab}
 * (so it needs what that needs, see {@link Privileges#requireNetnsLab()}), joined by a veth pair
 * whose ends are addressed and up, and an epoll event loop group to register channels on.
 */
public final class VethLab implements AutoCloseable {
    private final NetnsLab netns;
    public final String nsA;
    public final String nsB;
    public final MultiThreadIoEventLoopGroup group;

    /**
     * Namespace names start with {@code tag}, so that each suite's are told apart; the veth end
     * {@code ifA} in {@link #nsA} gets address {@code cidrA}, {@code ifB} in {@link #nsB} gets {@code cidrB}.
     */
    public VethLab(String tag, String ifA, String cidrA, String ifB, String cidrB, int eventLoopThreads) {
        netns = new NetnsLab(tag);
        try {
            nsA = netns.namespace("a");
            nsB = netns.namespace("b");
            netns.veth(nsA, ifA, cidrA, nsB, ifB, cidrB);
            group = new MultiThreadIoEventLoopGroup(eventLoopThreads, EpollIoHandler.newFactory());
        } catch (RuntimeException | Error e) {
            // The caller never gets a half-built lab to close, so the namespaces made so far go here.
            netns.close();
            throw e;
        }
    }

    /** Runs a command inside {@code ns}; fails the test on a non-zero exit. Returns stdout. */
    public String exec(String ns, String... command) {
        return netns.exec(ns, command);
    }

    /**
     * Shuts the group down first, so that no channel's socket keeps a namespace alive after it is
     * deleted; deletes the namespaces also when the shutdown fails.
     */
    @Override
    public void close() {
        try {
            group.shutdownGracefully(0, 5, SECONDS).syncUninterruptibly();
        } finally {
            netns.close();
        }
    }
}
