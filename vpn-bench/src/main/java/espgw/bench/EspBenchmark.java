package espgw.bench;

import espgw.crypto.AeadAlgorithm;
import espgw.crypto.Aead;
import espgw.crypto.AeadBackend;
import espgw.drop.DropReason;
import espgw.esp.EspCodec;
import espgw.esp.EspEncryptor;
import espgw.sa.Direction;
import espgw.sa.MemorySequenceStore;
import espgw.sa.SecurityAssociation;
import espgw.wire.EspHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Per-packet ESP seal and open, in place on a pooled direct (or heap) buffer, per algorithm and
 * inner packet size. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is B/op. The
 * {@code *FramingOnly} rows run the same espgw code over {@link NullAead}, so their B/op is
 * espgw's own share (0 expected) and the rest of {@code seal}/{@code open}'s is the backend's
 * (JCE's ~1–2 KB; OpenSSL's 0 expected). The framing rows do not depend on {@code backend}.
 *
 * <pre>java -jar vpn-bench/target/benchmarks.jar EspBenchmark -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=DISABLED"})
public class EspBenchmark {
    /** Distinct packets to open in turn: a new IV each time, as on the wire. */
    private static final int OPEN_RING = 64;

    @Param({"AES_GCM_128", "AES_GCM_256", "CHACHA20_POLY1305"})
    public AeadAlgorithm algorithm;

    @Param({"64", "512", "1400", "8192"})
    public int size;

    @Param({"direct"})
    public String buffer;

    /** {@link AeadBackend}: {@code JCE}, or {@code OPENSSL} (Java 22+). */
    @Param({"JCE", "OPENSSL"})
    public AeadBackend backend;

    private SecurityAssociation outbound;
    private EspEncryptor encryptor;
    private ByteBuf sealBuf;

    private Aead openAead;
    private final byte[] aad = new byte[EspCodec.MAX_AAD_LENGTH];
    private ByteBuf[] sealed;
    private ByteBuf openBuf;
    private int next;

    private SecurityAssociation nullOutbound;
    private ByteBuf[] nullSealed;
    private NullAead nullAead;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] keymat = new byte[algorithm.keymatLength()];
        new Random(1).nextBytes(keymat);
        outbound = SecurityAssociation.builder(0x1000, Direction.OUTBOUND, backend.create(algorithm, keymat))
                .esn(true).sequenceStore(new MemorySequenceStore(1L << 40)).build();
        encryptor = new EspEncryptor();
        int capacity = EspHeader.PAYLOAD_OFFSET + size + EspHeader.MAX_TRAILER_OVERHEAD;
        sealBuf = allocate(capacity);
        byte[] inner = new byte[size];
        new Random(2).nextBytes(inner);
        inner[0] = 0x45;
        sealBuf.setBytes(EspHeader.PAYLOAD_OFFSET, inner);

        // Packets for open, sealed with sequence numbers 1..OPEN_RING under an SA of their own.
        SecurityAssociation sender = SecurityAssociation.builder(0x1000, Direction.OUTBOUND,
                backend.create(algorithm, keymat)).esn(true).sequenceStore(new MemorySequenceStore()).build();
        sealed = new ByteBuf[OPEN_RING];
        for (int i = 0; i < OPEN_RING; i++) {
            ByteBuf buf = allocate(capacity);
            buf.setIndex(EspHeader.PAYLOAD_OFFSET, EspHeader.PAYLOAD_OFFSET).writeBytes(inner);
            if (encryptor.encrypt(sender, buf) != null) {
                throw new IllegalStateException("setup seal failed");
            }
            sealed[i] = buf;
        }
        openAead = backend.create(algorithm, keymat);
        openBuf = allocate(capacity);

        nullAead = new NullAead(algorithm);
        nullOutbound = SecurityAssociation.builder(0x1000, Direction.OUTBOUND, nullAead)
                .esn(true).sequenceStore(new MemorySequenceStore(1L << 40)).build();
        nullSealed = new ByteBuf[OPEN_RING];
        for (int i = 0; i < OPEN_RING; i++) {
            ByteBuf buf = allocate(capacity);
            buf.setIndex(EspHeader.PAYLOAD_OFFSET, EspHeader.PAYLOAD_OFFSET).writeBytes(inner);
            encryptor.encrypt(nullOutbound, buf);
            nullSealed[i] = buf;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sealBuf.release();
        openBuf.release();
        for (int i = 0; i < OPEN_RING; i++) {
            sealed[i].release();
            nullSealed[i].release();
        }
    }

    /** Outbound: sequence number, lifetime check, padding, header, AES-GCM/ChaCha seal. */
    @Benchmark
    public DropReason seal(PayloadThroughput throughput) {
        sealBuf.setIndex(EspHeader.PAYLOAD_OFFSET, EspHeader.PAYLOAD_OFFSET + size);
        throughput.payloadBytes += size;
        return encryptor.encrypt(outbound, sealBuf);
    }

    /**
     * Inbound crypto and framing: copy a sealed packet into the work buffer (an in-place open
     * destroys it; the copy stands in for the socket read), then verify, decrypt and check the
     * trailer. The replay window is benchmarked by its own test suite, it costs a few ns.
     */
    @Benchmark
    public int open(PayloadThroughput throughput) {
        ByteBuf packet = sealed[next];
        next = (next + 1) & (OPEN_RING - 1);
        openBuf.clear().writeBytes(packet, packet.readerIndex(), packet.readableBytes());
        long sequence = 1 + (next == 0 ? OPEN_RING - 1 : next - 1);
        int aadLength = EspCodec.aad(aad, 0x1000, sequence, true);
        throughput.payloadBytes += size;
        return EspCodec.open(openAead, aad, aadLength, openBuf);
    }

    /** {@link #seal} without cryptography: espgw's own cost and allocation. */
    @Benchmark
    public DropReason sealFramingOnly(PayloadThroughput throughput) {
        sealBuf.setIndex(EspHeader.PAYLOAD_OFFSET, EspHeader.PAYLOAD_OFFSET + size);
        throughput.payloadBytes += size;
        return encryptor.encrypt(nullOutbound, sealBuf);
    }

    /** {@link #open} without cryptography: espgw's own cost and allocation. */
    @Benchmark
    public int openFramingOnly(PayloadThroughput throughput) {
        ByteBuf packet = nullSealed[next];
        next = (next + 1) & (OPEN_RING - 1);
        openBuf.clear().writeBytes(packet, packet.readerIndex(), packet.readableBytes());
        int aadLength = EspCodec.aad(aad, 0x1000, next, true);
        throughput.payloadBytes += size;
        return EspCodec.open(nullAead, aad, aadLength, openBuf);
    }

    private ByteBuf allocate(int capacity) {
        return "heap".equals(buffer) ? PooledByteBufAllocator.DEFAULT.heapBuffer(capacity, capacity)
                : PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
    }
}
