package espgw.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Why {@code JceAead} copies direct buffers into a scratch array: raw JCE seal (init + AAD +
 * doFinal) of one packet on a {@code byte[]} in place, on a direct buffer copied through a scratch
 * array and back, and on direct {@code ByteBuffer}s handed to JCE as they are.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
public class JceBufferBenchmark {
    @Param({"AES/GCM/NoPadding", "ChaCha20-Poly1305"})
    public String transformation;

    @Param({"1400"})
    public int size;

    private Cipher cipher;
    private SecretKeySpec key;
    private final byte[] nonce = new byte[12];
    private final byte[] aad = new byte[12];
    private byte[] array;
    private ByteBuffer directIn;
    private ByteBuffer directOut;
    private long counter;

    @Setup
    public void setUp() throws Exception {
        boolean chacha = transformation.startsWith("ChaCha");
        cipher = Cipher.getInstance(transformation);
        key = new SecretKeySpec(new byte[chacha ? 32 : 16], chacha ? "ChaCha20" : "AES");
        array = new byte[size + 16];
        directIn = ByteBuffer.allocateDirect(size + 16);
        directOut = ByteBuffer.allocateDirect(size + 16);
    }

    @Benchmark
    public int heapArrayInPlace() throws Exception {
        init();
        return cipher.doFinal(array, 0, size, array, 0);
    }

    @Benchmark
    public int directCopiedThroughScratch() throws Exception {
        init();
        directIn.clear();
        directIn.get(array, 0, size);
        int n = cipher.doFinal(array, 0, size, array, 0);
        directIn.clear();
        directIn.put(array, 0, n);
        return n;
    }

    @Benchmark
    public int directByteBuffer() throws Exception {
        init();
        directIn.clear().limit(size);
        directOut.clear();
        return cipher.doFinal(directIn, directOut);
    }

    private void init() throws Exception {
        long iv = ++counter;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (iv >>> (56 - 8 * i));
        }
        cipher.init(Cipher.ENCRYPT_MODE, key, transformation.startsWith("ChaCha")
                ? new IvParameterSpec(nonce) : new GCMParameterSpec(128, nonce));
        cipher.updateAAD(aad);
    }
}
