package espgw.linux.tun;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;

/**
 * The data-path layout of DESIGN.md: one {@link TunChannel} per queue of a multi-queue device,
 * queue i on event loop i of the group, so no TUN fd is shared between threads.
 */
public final class TunQueues {
    private TunQueues() {
    }

    /**
     * Wraps every queue of {@code device} in a {@link TunChannel}, adds {@code initializer} (usually a
     * {@code ChannelInitializer}, which must be {@code @Sharable}) and registers each channel on its
     * own event loop. Needs exactly one queue per event loop. Returns the registration futures.
     */
    public static List<ChannelFuture> register(TunDevice device, EventLoopGroup group, ChannelHandler initializer) {
        List<EventLoop> loops = new ArrayList<>();
        for (EventExecutor executor : group) {
            loops.add((EventLoop) executor);
        }
        if (loops.size() != device.queueCount()) {
            throw new IllegalArgumentException(device.name() + " has " + device.queueCount() + " queues for "
                    + loops.size() + " event loops; open one queue per event loop");
        }
        List<ChannelFuture> registrations = new ArrayList<>(loops.size());
        for (int i = 0; i < loops.size(); i++) {
            TunChannel channel = new TunChannel(device.queue(i));
            channel.pipeline().addLast(initializer);
            registrations.add(loops.get(i).register(channel));
        }
        return registrations;
    }
}
