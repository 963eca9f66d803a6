package espgw.bench;

import espgw.daemon.PacketBuffers;
import espgw.drop.CountingDropRecorder;
import espgw.linux.tun.VirtioNetHeader;
import espgw.offload.GroCoalescer;
import espgw.offload.GsoSplitter;
import espgw.wire.InternetChecksum;
import espgw.wire.Ipv4Header;
import espgw.wire.TcpHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the TUN offload handlers cost per 64 KiB super-packet (47 TCP segments of 1388 bytes):
 * {@code split} is one TUN read cut into its segments (copy and checksum of every byte),
 * {@code splitAndCoalesce} additionally writes those segments through the coalescer, which checks
 * their checksums and copies them into one super-packet again. Divide by 65 KB for the cost per
 * byte next to the crypto's.
 *
 * <p>The benchmark thread is a {@link EventLoopThreads FastThreadLocalThread}, as the daemon's
 * event loops are: on JMH's plain threads Netty 4.2 makes every segment's buffer a new object
 * (~8 KB per super-packet in {@code -prof gc}, none of it the daemon's).
 *
 * <pre>java -jar vpn-bench/target/benchmarks.jar OffloadBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=DISABLED", EventLoopThreads.EXECUTOR,
        EventLoopThreads.EXECUTOR_CLASS})
public class OffloadBenchmark {
    private static final int SEGMENTS = 47;
    private static final int GSO_SIZE = 1388;
    private static final int HEADERS = 52;

    private byte[] frame;
    private EmbeddedChannel splitter;
    private EmbeddedChannel coalescer;

    @Setup
    public void setUp() {
        PacketBuffers.configure(); // as the daemon does, before Netty's allocator is first used
        frame = superPacketFrame();
        splitter = new EmbeddedChannel(new GsoSplitter(64, 32, new CountingDropRecorder()));
        coalescer = new EmbeddedChannel(new GroCoalescer());
        // The daemon's channels allocate from this one, not from Netty's default.
        splitter.config().setAllocator(PacketBuffers.allocator());
        coalescer.config().setAllocator(PacketBuffers.allocator());
    }

    @TearDown
    public void tearDown() {
        splitter.finishAndReleaseAll();
        coalescer.finishAndReleaseAll();
    }

    @Benchmark
    public int split() {
        EventLoopThreads.read(splitter, frameBuffer());
        int segments = 0;
        for (ByteBuf segment = splitter.readInbound(); segment != null; segment = splitter.readInbound()) {
            segment.release();
            segments++;
        }
        return segments;
    }

    @Benchmark
    public int splitAndCoalesce() {
        EventLoopThreads.read(splitter, frameBuffer());
        for (ByteBuf segment = splitter.readInbound(); segment != null; segment = splitter.readInbound()) {
            coalescer.write(segment, coalescer.voidPromise());
        }
        coalescer.flush();
        ByteBuf superPacket = coalescer.readOutbound();
        int length = superPacket.readableBytes();
        superPacket.release();
        return length;
    }

    /** From the allocator the TUN read's buffer comes from. */
    private ByteBuf frameBuffer() {
        return PacketBuffers.allocator().directBuffer(frame.length).writeBytes(frame);
    }

    /** virtio_net_hdr (TCPV4, NEEDS_CSUM) and a TCP/IPv4 super-packet with timestamps, as the kernel hands it over. */
    private static byte[] superPacketFrame() {
        int length = HEADERS + SEGMENTS * GSO_SIZE;
        ByteBuf packet = PooledByteBufAllocator.DEFAULT.heapBuffer(VirtioNetHeader.LENGTH + length);
        try {
            packet.writeZero(VirtioNetHeader.LENGTH);
            VirtioNetHeader.set(packet, 0, VirtioNetHeader.VIRTIO_NET_HDR_F_NEEDS_CSUM,
                    VirtioNetHeader.VIRTIO_NET_HDR_GSO_TCPV4, HEADERS, GSO_SIZE, 20, TcpHeader.CHECKSUM_OFFSET);
            int ip = packet.writerIndex();
            packet.writeByte(0x45).writeByte(0).writeShort(length).writeShort(1).writeShort(Ipv4Header.FLAG_DF)
                    .writeByte(64).writeByte(Ipv4Header.PROTOCOL_TCP).writeShort(0)
                    .writeInt(0x0A000101).writeInt(0x0A0000A0);
            packet.setShort(ip + Ipv4Header.HEADER_CHECKSUM_OFFSET, InternetChecksum.compute(packet, ip, 20));
            packet.writeShort(40000).writeShort(5201).writeInt(1).writeInt(1).writeByte(8 << 4)
                    .writeByte(TcpHeader.ACK).writeShort(502).writeShort(0).writeShort(0);
            packet.writeInt(0x0101080A).writeInt(12345).writeInt(67890);
            for (int i = 0; i < SEGMENTS * GSO_SIZE; i++) {
                packet.writeByte(i * 31);
            }
            byte[] bytes = new byte[packet.readableBytes()];
            packet.getBytes(0, bytes);
            return bytes;
        } finally {
            packet.release();
        }
    }
}
