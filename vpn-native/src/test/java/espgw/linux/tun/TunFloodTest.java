package espgw.linux.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.junit.jupiter.api.Test;

/**
 * 100 000 packets read from a TUN queue, echoed back into it and released, under the PARANOID
 * leak detector (LeakCheckExtension fails the test on any leak report).
 */
class TunFloodTest {
    private static final long PACKETS = 100_000;
    private static final long DEADLINE_NANOS = 45_000_000_000L;

    @Test
    void readsEchoesAndReleasesAHundredThousandPackets() throws Exception {
        UdpEcho echo = new UdpEcho();
        try (TunLab tun = new TunLab(config -> config.setHeadroom(64).setTailroom(32), echo);
             DatagramChannel sender = tun.udpSocket()) {
            tun.start();
            long sent = blast(sender, echo);
            long[] channel = tun.awaitQuietCounters();

            assertTrue(echo.udpRead.get() >= PACKETS, "read only " + echo.udpRead + " of " + sent + " sent");
            assertEquals(echo.udpRead.get(), echo.echoed.get() + echo.droppedUnwritable.get(),
                    "every packet accounted");
            assertEquals(echo.udpRead.get() + echo.otherReleased.get(), channel[0], "channel read count");
            assertEquals(echo.echoed.get(), channel[1] + channel[2], "every echo written or rejected");
            assertEquals(0, channel[2], "the kernel refused an echo");
            assertEquals(channel[1], tun.kernelStatistic("rx_packets"), "the kernel saw every packet written");
        }
    }

    /** Sends small UDP datagrams towards the TUN until the channel has read PACKETS of them. */
    private static long blast(DatagramChannel sender, UdpEcho echo) throws IOException {
        InetSocketAddress peer = new InetSocketAddress("10.77.0.2", 9);
        ByteBuffer payload = ByteBuffer.allocateDirect(32);
        long sent = 0;
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (echo.udpRead.get() < PACKETS && System.nanoTime() < deadline) {
            for (int i = 0; i < 256; i++) {
                payload.clear().putLong(0, sent);
                try {
                    sender.send(payload, peer);
                    sent++;
                } catch (IOException dropped) {
                    // ENOBUFS from a full device queue: the kernel dropped it before the TUN; send more.
                }
            }
        }
        return sent;
    }
}
