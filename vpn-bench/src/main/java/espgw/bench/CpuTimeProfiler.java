package espgw.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of the whole benchmark JVM per operation ({@code cpu.time.norm}, ns/op): what an
 * operation costs when the machine is shared and ops/s mostly measures the neighbours. It counts
 * every thread of the fork, so garbage collection of what the operation allocated is included.
 * The JVM's own CPU counter is used because this machine's perf has no hardware events.
 *
 * <pre>java -jar vpn-bench/target/benchmarks.jar AeadAllocBenchmark -prof gc -prof espgw.bench.CpuTimeProfiler</pre>
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private long cpuAtStart;

    @Override
    public String getDescription() {
        return "process CPU time per operation, in ns";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpuAtStart = OS.getProcessCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
            IterationParams iterationParams, IterationResult result) {
        long cpu = OS.getProcessCpuTime() - cpuAtStart;
        long ops = result.getMetadata().getAllOps();
        return List.of(new ScalarResult("cpu.time.norm", ops == 0 ? Double.NaN : cpu / (double) ops, "ns/op",
                AggregationPolicy.AVG));
    }
}
