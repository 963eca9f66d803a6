package espgw.bench;

import espgw.crypto.Aead;
import espgw.crypto.AeadAlgorithm;
import espgw.crypto.AeadBackend;
import espgw.crypto.JceAead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
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
 * AEAD seal and open alone, per implementation, on a pooled direct buffer as the data path has
 * them: throughput and, with {@code -prof gc}, B/op ({@code gc.alloc.rate.norm}) of each in the
 * same run. {@code jce} and {@code openssl} are espgw's backends ({@link AeadBackend}; OpenSSL needs
 * Java 22+); {@code jce-reused-spec} and {@code bc-reused} were the candidates for fewer bytes per
 * packet within Java ({@link ReusedSpecJceAead},
 * {@link BouncyCastleLightweightAead}). Every candidate's output is opened by {@code JceAead} in
 * setup, so a wrong candidate fails before it is measured.
 *
 * <pre>java -jar vpn-bench/target/benchmarks.jar AeadAllocBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=DISABLED"})
public class AeadAllocBenchmark {
    /** Distinct packets to open in turn: a new IV each time, as on the wire. */
    private static final int OPEN_RING = 64;
    private static final int AAD_LENGTH = 8;

    @Param({"jce", "openssl", "jce-reused-spec", "bc-reused"})
    public String impl;

    @Param({"AES_GCM_128", "CHACHA20_POLY1305"})
    public AeadAlgorithm algorithm;

    @Param({"64", "1400"})
    public int size;

    private final byte[] aad = new byte[AAD_LENGTH];
    private Aead sealer;
    private Aead opener;
    private ByteBuf sealBuf;
    private ByteBuf openBuf;
    /**
     * Arrays, not buffers: copying one direct ByteBuf into another allocates NIO views when Netty
     * runs without sun.misc.Unsafe (its default from Java 25 on), which would count against open.
     */
    private final byte[][] sealed = new byte[OPEN_RING][];
    private long nextIv;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] keymat = new byte[algorithm.keymatLength()];
        new Random(1).nextBytes(keymat);
        new Random(3).nextBytes(aad);
        sealer = create(keymat);
        opener = create(keymat);
        sealBuf = allocate();
        sealBuf.writeBytes(randomBytes(size));
        openBuf = allocate();
        Aead reference = new JceAead(algorithm, keymat);
        for (int i = 0; i < OPEN_RING; i++) {
            ByteBuf buf = allocate();
            buf.writeBytes(randomBytes(size));
            sealer.seal(1 + i, aad, AAD_LENGTH, buf, 0, size);
            buf.writerIndex(size + AeadAlgorithm.ICV_LENGTH);
            sealed[i] = ByteBufUtil.getBytes(buf);
            boolean opens = reference.open(1 + i, aad, AAD_LENGTH, buf, 0, buf.readableBytes());
            buf.release();
            if (!opens) {
                throw new IllegalStateException(impl + " seals what JceAead cannot open");
            }
        }
        nextIv = OPEN_RING + 1;
    }

    private Aead create(byte[] keymat) {
        switch (impl) {
            case "jce":
                return new JceAead(algorithm, keymat);
            case "openssl":
                return AeadBackend.OPENSSL.create(algorithm, keymat);
            case "jce-reused-spec":
                return new ReusedSpecJceAead(algorithm, keymat);
            case "bc-reused":
                return new BouncyCastleLightweightAead(algorithm, keymat);
            default:
                throw new IllegalArgumentException(impl);
        }
    }

    private ByteBuf allocate() {
        int capacity = size + AeadAlgorithm.ICV_LENGTH;
        return PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(2).nextBytes(bytes);
        return bytes;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sealBuf.release();
        openBuf.release();
    }

    /** Encrypts the buffer in place under a new IV (the content is whatever the last op left). */
    @Benchmark
    public ByteBuf seal() {
        sealer.seal(nextIv++, aad, AAD_LENGTH, sealBuf, 0, size);
        return sealBuf;
    }

    /** Copies one of the sealed packets into the work buffer (an in-place open destroys it) and opens it. */
    @Benchmark
    public boolean open() {
        byte[] packet = sealed[next];
        long iv = 1 + next;
        next = (next + 1) & (OPEN_RING - 1);
        openBuf.clear().writeBytes(packet);
        if (!opener.open(iv, aad, AAD_LENGTH, openBuf, 0, openBuf.readableBytes())) {
            throw new IllegalStateException(impl + " failed to open packet " + iv);
        }
        return true;
    }
}
