package espgw.offload;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import espgw.linux.netns.NetNamespace;
import espgw.linux.tun.TunChannel;
import espgw.linux.tun.TunDevice;
import espgw.testing.NetnsLab;
import espgw.wire.Ipv4Header;
import espgw.wire.TestDatagram;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernel takes what {@link GroCoalescer} makes of UDP datagrams: written into a real TUN as
 * one super-packet, they reach a UDP socket as the datagrams they were, every one, in order.
 */
class UdpSuperPacketNetnsTest {
    private static final int TUN_ADDRESS = 0x0A4F0001; // 10.79.0.1, the receiver
    private static final int SENDER = 0x0A4F0002; // 10.79.0.2, behind the TUN
    private static final int PORT = 6000;
    private static final int DATAGRAMS = 100;
    private static final int LENGTH = 64;

    @Test
    void datagramsMergedIntoOneSuperPacketArriveAsTheyWereSent() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("uso");
            try (TunDevice device = NetNamespace.call(ns, () -> TunDevice.open("uso0", 1, true))) {
                if (!device.acceptsUdpSuperPackets()) {
                    System.err.println("SKIPPED (missing capability): this kernel's TUN does not take UDP super-packets"
                            + " (USO, Linux 6.2); espgw writes UDP datagrams one by one here");
                }
                assumeTrue(device.acceptsUdpSuperPackets(), "this kernel's TUN lacks USO (Linux < 6.2)");
                lab.exec(ns, "ip", "addr", "add", "10.79.0.1/24", "dev", "uso0");
                device.setUp();
                try (DatagramChannel receiver = NetNamespace.call(ns, DatagramChannel::open)) {
                    receiver.bind(new InetSocketAddress("10.79.0.1", PORT)).configureBlocking(false);
                    TunChannel tun = new TunChannel(device.queue(0));
                    tun.config().setVnetHeader(true).setMaxPacketSize(Ipv4Header.MAX_TOTAL_LENGTH);
                    tun.pipeline().addLast(new GroCoalescer(true));
                    group.register(tun).sync();

                    List<byte[]> sent = new ArrayList<>();
                    for (int i = 0; i < DATAGRAMS; i++) {
                        byte[] data = new byte[i == DATAGRAMS - 1 ? LENGTH / 2 : LENGTH];
                        Arrays.fill(data, (byte) i);
                        sent.add(data);
                    }
                    long written = tun.eventLoop().submit(() -> {
                        for (byte[] data : sent) {
                            TestDatagram datagram = new TestDatagram(Ipv4Header.PROTOCOL_UDP, SENDER, TUN_ADDRESS,
                                    TestDatagram.udp(5001, PORT, data));
                            tun.write(TestDatagram.buffer(datagram.build()), tun.voidPromise());
                        }
                        tun.flush();
                        return tun.packetsWritten();
                    }).get(10, TimeUnit.SECONDS);

                    List<byte[]> received = receive(receiver, DATAGRAMS);
                    assertEquals(1, written, "one write into the TUN for all the datagrams");
                    assertEquals(0, tun.eventLoop().submit(tun::packetsRejected).get(10, TimeUnit.SECONDS),
                            "the kernel refused the super-packet");
                    assertEquals(DATAGRAMS, received.size(), "datagrams received");
                    for (int i = 0; i < DATAGRAMS; i++) {
                        assertArrayEquals(sent.get(i), received.get(i), "datagram " + i);
                    }
                    tun.close().sync();
                }
            }
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    /** Up to {@code count} datagrams, or what came within 10 s. */
    private static List<byte[]> receive(DatagramChannel receiver, int count) throws Exception {
        List<byte[]> received = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.size() < count && System.nanoTime() < deadline) {
            if (receiver.receive(buffer.clear()) == null) {
                Thread.sleep(10);
                continue;
            }
            buffer.flip();
            byte[] data = new byte[buffer.remaining()];
            buffer.get(data);
            received.add(data);
        }
        return received;
    }
}
