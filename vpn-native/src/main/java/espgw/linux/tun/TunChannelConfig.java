package espgw.linux.tun;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.WriteBufferWaterMark;
import java.util.Map;

/**
 * The standard channel options (allocator, auto-read, write-buffer water marks, ...) plus the
 * {@link TunChannelOption}s that shape the read buffers. The recv-buffer allocator option is not
 * used: a TUN read always takes one buffer of headroom + max packet size + tailroom.
 */
public final class TunChannelConfig extends DefaultChannelConfig {
    private volatile int headroom;
    private volatile int tailroom;
    private volatile int maxPacketSize = 1500;
    private volatile int maxPacketsPerRead = 64;
    private volatile int maxBytesPerRead = Integer.MAX_VALUE;
    private volatile boolean vnetHeader;

    TunChannelConfig(TunChannel channel) {
        super(channel);
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), TunChannelOption.HEADROOM, TunChannelOption.TAILROOM,
                TunChannelOption.MAX_PACKET_SIZE, TunChannelOption.MAX_PACKETS_PER_READ,
                TunChannelOption.MAX_BYTES_PER_READ, TunChannelOption.VNET_HEADER);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        if (option == TunChannelOption.HEADROOM) {
            return (T) Integer.valueOf(headroom);
        }
        if (option == TunChannelOption.TAILROOM) {
            return (T) Integer.valueOf(tailroom);
        }
        if (option == TunChannelOption.MAX_PACKET_SIZE) {
            return (T) Integer.valueOf(maxPacketSize);
        }
        if (option == TunChannelOption.MAX_PACKETS_PER_READ) {
            return (T) Integer.valueOf(maxPacketsPerRead);
        }
        if (option == TunChannelOption.MAX_BYTES_PER_READ) {
            return (T) Integer.valueOf(maxBytesPerRead);
        }
        if (option == TunChannelOption.VNET_HEADER) {
            return (T) Boolean.valueOf(vnetHeader);
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == TunChannelOption.HEADROOM) {
            setHeadroom((Integer) value);
        } else if (option == TunChannelOption.TAILROOM) {
            setTailroom((Integer) value);
        } else if (option == TunChannelOption.MAX_PACKET_SIZE) {
            setMaxPacketSize((Integer) value);
        } else if (option == TunChannelOption.MAX_PACKETS_PER_READ) {
            setMaxPacketsPerRead((Integer) value);
        } else if (option == TunChannelOption.MAX_BYTES_PER_READ) {
            setMaxBytesPerRead((Integer) value);
        } else if (option == TunChannelOption.VNET_HEADER) {
            setVnetHeader((Boolean) value);
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    // Covariant returns, so TUN options and the standard ones chain in one expression.

    @Override
    public TunChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public TunChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public TunChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    public int getHeadroom() {
        return headroom;
    }

    public TunChannelConfig setHeadroom(int headroom) {
        this.headroom = atLeast(0, headroom, "headroom");
        return this;
    }

    public int getTailroom() {
        return tailroom;
    }

    public TunChannelConfig setTailroom(int tailroom) {
        this.tailroom = atLeast(0, tailroom, "tailroom");
        return this;
    }

    public int getMaxPacketSize() {
        return maxPacketSize;
    }

    /** 68 is the smallest MTU IPv4 allows (RFC 791), 65535 the largest IPv4 packet. */
    public TunChannelConfig setMaxPacketSize(int maxPacketSize) {
        if (maxPacketSize < 68 || maxPacketSize > 65535) {
            throw new IllegalArgumentException("max packet size " + maxPacketSize + " is not in 68..65535");
        }
        this.maxPacketSize = maxPacketSize;
        return this;
    }

    public int getMaxPacketsPerRead() {
        return maxPacketsPerRead;
    }

    public TunChannelConfig setMaxPacketsPerRead(int maxPacketsPerRead) {
        this.maxPacketsPerRead = atLeast(1, maxPacketsPerRead, "packets per read");
        return this;
    }

    public int getMaxBytesPerRead() {
        return maxBytesPerRead;
    }

    public TunChannelConfig setMaxBytesPerRead(int maxBytesPerRead) {
        this.maxBytesPerRead = atLeast(1, maxBytesPerRead, "bytes per read");
        return this;
    }

    public boolean isVnetHeader() {
        return vnetHeader;
    }

    /** Set it exactly when the device was opened with offloads; see {@link TunChannelOption#VNET_HEADER}. */
    public TunChannelConfig setVnetHeader(boolean vnetHeader) {
        this.vnetHeader = vnetHeader;
        return this;
    }

    /** The most bytes one read may carry: the largest packet, and its header if there is one. */
    int maxReadSize() {
        return maxPacketSize + (vnetHeader ? VirtioNetHeader.LENGTH : 0);
    }

    private static int atLeast(int min, int value, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", not " + value);
        }
        return value;
    }
}
