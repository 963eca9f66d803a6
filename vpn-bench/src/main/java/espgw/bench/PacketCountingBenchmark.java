package espgw.bench;

import espgw.metrics.GatewayMetrics;
import espgw.metrics.PeerTraffic;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What counting costs per packet: a loop over {@value #PACKETS} packet lengths that counts each
 * packet in and out (packets and bytes, four counter increments) through {@link PeerTraffic},
 * with a recorder that does nothing ({@code none}) and with {@link GatewayMetrics}' Micrometer
 * counters ({@code micrometer}). The difference is the per-packet price of the metrics; run
 * with {@code -prof gc} to see that it allocates nothing, and with {@code -t 2} for two event
 * loops counting the same peer.
 *
 * <pre>java -jar vpn-bench/target/benchmarks.jar PacketCountingBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=DISABLED"})
public class PacketCountingBenchmark {
    private static final int PACKETS = 64;

    @Param({"none", "micrometer"})
    public String recorder;

    private final int[] lengths = new int[PACKETS];
    private GatewayMetrics metrics;
    private PeerTraffic traffic;

    @Setup
    public void setUp() {
        for (int i = 0; i < PACKETS; i++) {
            lengths[i] = 64 + (i * 97) % 1400; // a spread of sizes, as on a real link
        }
        metrics = new GatewayMetrics(() -> true);
        traffic = recorder.equals("micrometer") ? metrics.peer("server") : new NoCounting();
    }

    @TearDown
    public void tearDown() {
        metrics.close();
    }

    /** One operation: one packet counted in and the same one counted out. */
    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long countPackets() {
        long octets = 0;
        for (int length : lengths) {
            traffic.packetIn(length);
            traffic.packetOut(length);
            octets += length;
        }
        return octets;
    }

    /** The baseline: the data path as if metrics were off. */
    private static final class NoCounting implements PeerTraffic {
        @Override
        public void packetIn(int bytes) {
        }

        @Override
        public void packetOut(int bytes) {
        }
    }
}
