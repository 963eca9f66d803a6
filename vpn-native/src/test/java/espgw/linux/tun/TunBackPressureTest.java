package espgw.linux.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.junit.jupiter.api.Test;

/**
 * Writes into a TUN fd hardly ever meet EAGAIN (the kernel takes the packet into its stack at
 * once), so back-pressure on a TUN channel is the outbound buffer: packets wait in the kernel until
 * the channel starts, then each read batch of 64 is echoed with a single flush at its end, the high
 * water mark is crossed within the batch, and the echo handler drops and counts the rest.
 * The kernel's own rx_packets on tun0 proves what was really written. (The EAGAIN/EPOLLOUT path is
 * proven on a pipe in {@link TunChannelEagainTest}.)
 */
class TunBackPressureTest {
    private static final int SENT = 300; // below tun0's txqueuelen (500): the kernel queues them all
    private static final long DEADLINE_NANOS = 20_000_000_000L;

    @Test
    void everyPacketIsWrittenOrCountedAsBackPressure() throws Exception {
        UdpEcho echo = new UdpEcho();
        try (TunLab tun = new TunLab(config -> config.setMaxPacketsPerRead(64)
                .setWriteBufferWaterMark(new WriteBufferWaterMark(2048, 8192)), echo);
             DatagramChannel sender = tun.udpSocket()) {
            ByteBuffer payload = ByteBuffer.allocateDirect(1200 - 28);
            for (int i = 0; i < SENT; i++) {
                payload.clear().putInt(0, i);
                sender.send(payload, new InetSocketAddress("10.77.0.2", 9));
            }
            tun.start();
            long deadline = System.nanoTime() + DEADLINE_NANOS;
            while (echo.udpRead.get() < SENT && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            long[] channel = tun.awaitQuietCounters();

            assertEquals(SENT, echo.udpRead.get(), "packets read");
            assertEquals(SENT, echo.echoed.get() + echo.droppedUnwritable.get(),
                    "written + back-pressure drops");
            assertTrue(echo.droppedUnwritable.get() > 0, "the high water mark was never reached");
            assertTrue(echo.echoed.get() > 0, "nothing was written");
            assertTrue(echo.writabilityChanges.get() >= 2, "writability went off and on again");
            assertEquals(echo.echoed.get(), channel[1], "the channel wrote every echo");
            assertEquals(0, channel[2], "the kernel refused an echo");
            assertEquals(channel[1], tun.kernelStatistic("rx_packets"),
                    "the kernel received every packet written");
        }
    }
}
