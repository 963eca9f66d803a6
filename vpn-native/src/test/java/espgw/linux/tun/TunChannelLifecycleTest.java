package espgw.linux.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.linux.libc.Errno;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.unix.Errors;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Reading on demand, oversized and refused packets, and an interface that disappears under the channel. */
class TunChannelLifecycleTest {
    @Test
    void withoutAutoReadEachReadDeliversOnePacket() throws Exception {
        UdpEcho echo = new UdpEcho();
        try (TunLab tun = new TunLab(config -> config.setAutoRead(false), echo);
             DatagramChannel sender = tun.udpSocket()) {
            for (int i = 0; i < 3; i++) {
                sender.send(ByteBuffer.allocate(8), new InetSocketAddress("10.77.0.2", 9));
            }
            tun.start();
            for (int expected = 1; expected <= 3; expected++) {
                tun.channel.read();
                awaitCount(echo, expected);
                Thread.sleep(100);
                assertEquals(expected, echo.udpRead.get(), "one read(), one packet");
            }
        }
    }

    @Test
    void aPacketBiggerThanTheBufferIsDroppedAndCountedNotPassedOnCut() throws Exception {
        UdpEcho echo = new UdpEcho();
        try (TunLab tun = new TunLab(config -> config.setMaxPacketSize(100).setHeadroom(16), echo);
             DatagramChannel sender = tun.udpSocket()) {
            tun.start();
            sender.send(ByteBuffer.allocate(200 - 28), new InetSocketAddress("10.77.0.2", 9));
            sender.send(ByteBuffer.allocate(100 - 28), new InetSocketAddress("10.77.0.2", 9));
            awaitCount(echo, 1);
            Thread.sleep(100);

            assertEquals(1, echo.udpRead.get(), "only the packet that fits is passed on");
            assertEquals(1L, tun.onLoop(tun.channel::packetsTruncated));
            assertEquals(2L, tun.onLoop(tun.channel::packetsRead));
        }
    }

    @Test
    void aPacketTheKernelRefusesFailsItsPromiseAndTheChannelGoesOn() throws Exception {
        try (TunLab tun = new TunLab(config -> { })) {
            tun.start();
            ByteBuf notIp = tun.channel.alloc().directBuffer(40).writeZero(40); // IP version 0

            ChannelFuture refused = tun.channel.writeAndFlush(notIp).await();
            assertFalse(refused.isSuccess());
            assertTrue(refused.cause().getMessage().contains("Invalid argument"), refused.cause().toString());

            ByteBuf udp = TestPackets.udp(tun.channel.alloc(), TunLab.PEER, TunLab.LOCAL, 60, 1);
            assertTrue(tun.channel.writeAndFlush(udp).await().isSuccess());
            assertTrue(tun.channel.isOpen());
            assertEquals(1L, tun.onLoop(tun.channel::packetsRejected));
            assertEquals(1L, tun.onLoop(tun.channel::packetsWritten));
            assertEquals(1L, tun.kernelStatistic("rx_packets"));
        }
    }

    @Test
    void deletingTheInterfaceClosesTheChannelWithTheReason() throws Exception {
        CompletableFuture<Throwable> caught = new CompletableFuture<>();
        ChannelInboundHandlerAdapter recorder = new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                caught.complete(cause);
            }
        };
        try (TunLab tun = new TunLab(config -> { }, recorder)) {
            tun.start();
            tun.lab.exec(tun.ns, "ip", "link", "del", TunLab.NAME);

            assertTrue(tun.channel.closeFuture().await(10, TimeUnit.SECONDS), "channel still open");
            assertFalse(tun.channel.fd().isOpen());
            Throwable cause = caught.get(1, TimeUnit.SECONDS);
            assertTrue(cause instanceof Errors.NativeIoException, cause.toString());
            assertEquals(-Errno.EBADFD, ((Errors.NativeIoException) cause).expectedErr(), cause.toString());
        }
    }

    private static void awaitCount(UdpEcho echo, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (echo.udpRead.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
