package espgw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import espgw.linux.libc.Errno;
import espgw.linux.udp.DatagramsRefusedException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendFailuresTest {
    private final CountingDropRecorder drops = new CountingDropRecorder();
    private final List<Throwable> passedOn = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new SendFailures(drops), new ChannelInboundHandlerAdapter() {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            passedOn.add(cause);
        }
    });

    @Test
    void aRefusedGsoRunCountsEachOfItsDatagrams() {
        channel.pipeline().fireExceptionCaught(new DatagramsRefusedException("sendmmsg", Errno.EINVAL, 40));
        assertEquals(40, drops.count(DropReason.SEND_FAILED));
        assertEquals(List.of(), passedOn);
    }

    @Test
    void anyOtherRefusedSendCountsOne() {
        channel.pipeline().fireExceptionCaught(new IOException("sendto: Network is unreachable"));
        assertEquals(1, drops.count(DropReason.SEND_FAILED));
    }

    @Test
    void whatIsNoRefusedSendPassesOn() {
        IllegalStateException bug = new IllegalStateException("not an I/O error");
        channel.pipeline().fireExceptionCaught(bug);
        assertEquals(0, drops.total());
        assertSame(bug, passedOn.get(0));
    }
}
