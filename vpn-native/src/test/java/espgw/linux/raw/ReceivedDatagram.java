package espgw.linux.raw;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.BlockingQueue;

/** What a test checks of a received ESP datagram: its outer source and its ESP bytes. */
record ReceivedDatagram(int source, byte[] esp) {

    /** Copies what the test checks and releases the datagram, as the first pipeline handler must. */
    static final class Collector extends ChannelInboundHandlerAdapter {
        private final BlockingQueue<ReceivedDatagram> received;

        Collector(BlockingQueue<ReceivedDatagram> received) {
            this.received = received;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf datagram = (ByteBuf) msg;
            try {
                int espOffset = datagram.readerIndex() + EspDatagrams.headerLength(datagram);
                byte[] esp = new byte[datagram.writerIndex() - espOffset];
                datagram.getBytes(espOffset, esp);
                received.add(new ReceivedDatagram(EspDatagrams.sourceAddress(datagram), esp));
            } finally {
                datagram.release();
            }
        }
    }
}
