package espgw.linux.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.FileDescriptor;
import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A pipe stands in for the TUN queue: with {@link TunChannelOption#VNET_HEADER} a read takes the
 * header on top of the largest packet, without it the same bytes count as a packet too long.
 */
class TunChannelVnetHeaderTest {
    private static final int MAX_PACKET = 1400;
    private static final int FRAME = VirtioNetHeader.LENGTH + MAX_PACKET;

    @Test
    void theHeaderComesOnTopOfTheLargestPacket() throws Exception {
        assertEquals(new Outcome(FRAME, 0), readOneFrame(true));
        // A pipe is a stream, so what is left of the cut read comes next; a TUN would have dropped it.
        assertEquals(new Outcome(FRAME - (MAX_PACKET + 1), 1), readOneFrame(false));
    }

    private record Outcome(int delivered, long truncated) {
    }

    private static Outcome readOneFrame(boolean vnetHeader) throws Exception {
        Epoll.ensureAvailability();
        FileDescriptor[] pipe = FileDescriptor.pipe();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            LinkedBlockingQueue<Integer> lengths = new LinkedBlockingQueue<>();
            TunChannel channel = new TunChannel(pipe[0]);
            channel.config().setOption(TunChannelOption.VNET_HEADER, vnetHeader);
            channel.config().setMaxPacketSize(MAX_PACKET);
            assertEquals(vnetHeader, channel.config().getOption(TunChannelOption.VNET_HEADER));
            channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    lengths.add(((ByteBuf) msg).readableBytes());
                    ((ByteBuf) msg).release();
                }
            });
            group.register(channel).sync();
            ByteBuffer frame = ByteBuffer.allocateDirect(FRAME);
            assertEquals(FRAME, pipe[1].write(frame, 0, FRAME));
            Integer delivered = lengths.poll(10, TimeUnit.SECONDS);
            long truncated = channel.packetsTruncated();
            channel.close().sync();
            return new Outcome(delivered == null ? -1 : delivered, truncated);
        } finally {
            pipe[1].close();
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }
}
