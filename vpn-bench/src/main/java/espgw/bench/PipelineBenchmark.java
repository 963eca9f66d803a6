package espgw.bench;

import espgw.daemon.PacketBuffers;
import espgw.drop.CountingDropRecorder;
import espgw.esp.EspInbound;
import espgw.esp.EspOutbound;
import espgw.esp.InboundContext;
import espgw.nat.AddressDeOffset;
import espgw.nat.AddressOffset;
import espgw.nat.ConntrackSourceRestore;
import espgw.nat.Ipv4Prefix;
import espgw.nat.PathMtuGuard;
import espgw.sa.Direction;
import espgw.sa.ManualSa;
import espgw.sa.MemorySequenceStore;
import espgw.sa.SaDatabase;
import espgw.sa.SecurityAssociation;
import espgw.wire.InternetChecksum;
import espgw.wire.OuterIpv4;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The client's data path per packet, through the same handlers the gateway chains, each on an
 * {@link EmbeddedChannel}: {@code outbound} is a TUN read (a pooled direct buffer with headroom,
 * the inner packet addressed to the peer's offset address) through AddressDeOffset, PathMtuGuard,
 * EspOutbound and the outer IPv4 header; {@code roundTrip} feeds that ESP packet on through
 * EspInbound and ConntrackSourceRestore of the peer, so inbound per packet is the difference.
 * Run with {@code -prof gc} for B/op: the cipher's own allocation is included (none with OpenSSL's,
 * 1-2 KB with JCE's, see {@link EspBenchmark}). The benchmark thread is a
 * {@link EventLoopThreads FastThreadLocalThread}, as the daemon's event loops are. JVM flags go in
 * {@code -jvmArgsPrepend}: JMH's {@code -jvmArgsAppend} would replace the ones set here.
 *
 * <pre>java -jar vpn-bench/target/benchmarks.jar PipelineBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=DISABLED", EventLoopThreads.EXECUTOR,
        EventLoopThreads.EXECUTOR_CLASS})
public class PipelineBenchmark {
    private static final int CLIENT = Ipv4Prefix.parseAddress("10.0.0.161");
    private static final int SERVER = Ipv4Prefix.parseAddress("10.0.0.160");
    private static final int SERVER_OFFSET = Ipv4Prefix.parseAddress("10.0.1.160");
    private static final int HEADROOM = 64;
    private static final int TAILROOM = 32;
    private static final String KEY = "0x0123456789abcdef0123456789abcdef01234567";

    @Param({"64", "1400"})
    public int size;

    private byte[] innerPacket;
    private EmbeddedChannel outbound;
    private EmbeddedChannel inbound;

    @Setup
    public void setUp() {
        PacketBuffers.configure(); // as the daemon does, before Netty's allocator is first used
        innerPacket = udpPacket(size);
        AddressOffset offset = new AddressOffset(Ipv4Prefix.parse("10.0.0.0/24"), Ipv4Prefix.parse("10.0.1.0/24"));
        CountingDropRecorder drops = new CountingDropRecorder();
        ManualSa manual = ManualSa.of("0x1001", "aes-gcm-128", KEY, true, 4096);
        SecurityAssociation out = manual.toBuilder(Direction.OUTBOUND).sequenceStore(new MemorySequenceStore()).build();
        SaDatabase database = new SaDatabase();
        database.install(manual.toBuilder(Direction.INBOUND).build());
        OuterIpv4 outer = new OuterIpv4(true);
        outbound = new EmbeddedChannel(new AddressDeOffset(offset, drops), new PathMtuGuard(1446, CLIENT, drops),
                new EspOutbound(packet -> out, drops), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        outer.prepend((ByteBuf) msg, CLIENT, SERVER);
                        ctx.fireChannelRead(msg);
                    }
                });
        inbound = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                OuterIpv4.strip((ByteBuf) msg);
                ctx.fireChannelRead(msg);
            }
        }, new EspInbound(database, new InboundContext(), drops), new ConntrackSourceRestore(offset, drops));
        // The daemon's channels allocate from this one, not from Netty's default.
        outbound.config().setAllocator(PacketBuffers.allocator());
        inbound.config().setAllocator(PacketBuffers.allocator());
    }

    @TearDown
    public void tearDown() {
        outbound.finishAndReleaseAll();
        inbound.finishAndReleaseAll();
    }

    @Benchmark
    public int outbound() {
        ByteBuf esp = seal();
        int length = esp.readableBytes();
        esp.release();
        return length;
    }

    @Benchmark
    public int roundTrip() {
        EventLoopThreads.read(inbound, seal());
        ByteBuf inner = inbound.readInbound();
        int length = inner.readableBytes();
        inner.release();
        return length;
    }

    private ByteBuf seal() {
        ByteBuf packet = PacketBuffers.allocator().directBuffer(HEADROOM + innerPacket.length + TAILROOM);
        packet.setIndex(HEADROOM, HEADROOM).writeBytes(innerPacket);
        EventLoopThreads.read(outbound, packet);
        return outbound.readInbound();
    }

    /** A UDP packet from the client to the server's offset address, as the TUN hands it over after DNAT. */
    private static byte[] udpPacket(int length) {
        ByteBuf packet = PooledByteBufAllocator.DEFAULT.heapBuffer(length);
        try {
            packet.writeByte(0x45).writeByte(0).writeShort(length).writeInt(0x40004000)
                    .writeByte(64).writeByte(17).writeShort(0).writeInt(CLIENT).writeInt(SERVER_OFFSET);
            packet.writeShort(40000).writeShort(5001).writeShort(length - 20).writeShort(0);
            packet.writeZero(length - 28);
            packet.setShort(10, InternetChecksum.compute(packet, 0, 20));
            byte[] bytes = new byte[length];
            packet.getBytes(0, bytes);
            return bytes;
        } finally {
            packet.release();
        }
    }
}
