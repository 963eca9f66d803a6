package espgw.linux.tun;

import espgw.linux.netns.NetNamespace;
import espgw.testing.NetnsLab;
import io.netty.channel.ChannelHandler;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A fresh namespace with IPv6 off (no router solicitations on the TUN), a TUN interface
 * {@code tun0} with 10.77.0.1/24 and MTU 1400 opened inside it, and a {@link TunChannel} for its queue, registered on a
 * one-thread epoll event loop by {@link #start()}. {@link #close()} closes channel, device, loop
 * and namespace.
 */
final class TunLab implements AutoCloseable {
    static final String NAME = "tun0";
    static final int MTU = 1400;
    static final int LOCAL = TestPackets.address(10, 77, 0, 1);
    static final int PEER = TestPackets.address(10, 77, 0, 2);

    final NetnsLab lab = new NetnsLab();
    final String ns;
    final TunDevice device;
    final MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    final TunChannel channel;

    TunLab(Consumer<TunChannelConfig> configure, ChannelHandler... handlers) throws Exception {
        try {
            ns = lab.namespace("tun");
            lab.exec(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1",
                    "net.ipv6.conf.default.disable_ipv6=1");
            device = NetNamespace.call(ns, () -> {
                TunDevice d = TunDevice.open(NAME, 1);
                d.setMtu(MTU);
                d.setIpv4Address((Inet4Address) InetAddress.getByName("10.77.0.1"), 24);
                d.setUp();
                return d;
            });
            channel = new TunChannel(device.queue(0));
            configure.accept(channel.config());
            channel.pipeline().addLast(handlers);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** Registers the channel; until then the kernel queues packets for tun0 (up to its txqueuelen). */
    TunLab start() throws InterruptedException {
        group.register(channel).sync();
        return this;
    }

    /** Runs {@code task} on the channel's event loop, where the channel's counters live. */
    <T> T onLoop(Callable<T> task) throws Exception {
        return channel.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
    }

    /** A UDP socket inside the namespace, to send traffic that the routes lead into tun0. */
    DatagramChannel udpSocket() throws IOException {
        return NetNamespace.call(ns, () -> DatagramChannel.open(StandardProtocolFamily.INET));
    }

    /** Waits until the channel's counters stop moving; returns {read, written, rejected}. */
    long[] awaitQuietCounters() throws Exception {
        long[] last = null;
        while (true) {
            Thread.sleep(200);
            long[] now = onLoop(() -> new long[] {
                channel.packetsRead(), channel.packetsWritten(), channel.packetsRejected()});
            if (Arrays.equals(last, now)) {
                return now;
            }
            last = now;
        }
    }

    /** A counter of tun0 as the kernel keeps it, e.g. rx_packets = packets written into the TUN fd. */
    long kernelStatistic(String name) {
        return Long.parseLong(lab.exec(ns, "cat", "/sys/class/net/" + NAME + "/statistics/" + name).trim());
    }

    @Override
    public void close() throws Exception {
        try {
            if (channel != null && channel.isRegistered()) {
                channel.close().sync();
            }
            if (device != null) {
                device.close();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        } finally {
            lab.close();
        }
    }
}
