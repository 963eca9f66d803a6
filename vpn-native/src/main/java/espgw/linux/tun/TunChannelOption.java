package espgw.linux.tun;

import io.netty.channel.ChannelOption;

/** Options of a {@link TunChannel}, set like any Netty option (bootstrap or {@code config()}). */
public final class TunChannelOption {
    /**
     * Bytes left free in front of every packet read (readerIndex = headroom), so a later stage can
     * prepend headers (outer IPv4, ESP header and IV) in place. Default 0.
     */
    public static final ChannelOption<Integer> HEADROOM = ChannelOption.valueOf(TunChannelOption.class, "HEADROOM");

    /** Bytes left free behind the largest packet (ESP padding, trailer and ICV). Default 0. */
    public static final ChannelOption<Integer> TAILROOM = ChannelOption.valueOf(TunChannelOption.class, "TAILROOM");

    /**
     * The largest packet a read accepts; set it to the interface MTU. A bigger packet arrives
     * truncated and is dropped and counted ({@link TunChannel#packetsTruncated()}). Default 1500.
     */
    public static final ChannelOption<Integer> MAX_PACKET_SIZE =
            ChannelOption.valueOf(TunChannelOption.class, "MAX_PACKET_SIZE");

    /**
     * Whether every read starts with a {@link VirtioNetHeader} (the queue's device was opened with
     * offloads): a read then takes up to that header plus {@link #MAX_PACKET_SIZE}, and the packet
     * read starts at readerIndex = headroom with its header. Default false.
     */
    public static final ChannelOption<Boolean> VNET_HEADER = ChannelOption.valueOf(TunChannelOption.class, "VNET_HEADER");

    /** How many packets one EPOLLIN wakeup reads at most before other channels get a turn. Default 64. */
    public static final ChannelOption<Integer> MAX_PACKETS_PER_READ =
            ChannelOption.valueOf(TunChannelOption.class, "MAX_PACKETS_PER_READ");

    /**
     * How many bytes one EPOLLIN wakeup reads at most (the packet that crosses it is the last), so
     * that a batch of 64 KiB super-packets stays within the write water marks while small packets
     * still come {@link #MAX_PACKETS_PER_READ} at a time. Default: no limit.
     */
    public static final ChannelOption<Integer> MAX_BYTES_PER_READ =
            ChannelOption.valueOf(TunChannelOption.class, "MAX_BYTES_PER_READ");

    private TunChannelOption() {
    }
}
