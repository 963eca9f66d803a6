/**
 * JMH benchmarks of espgw's hot path; the end-to-end benchmark scripts live beside this module.
 *
 * <p>{@link espgw.bench.EspBenchmark} seals and opens one ESP packet per operation (per algorithm
 * and inner size); {@link espgw.bench.PayloadThroughput} adds a {@code payloadBytes} rate in
 * octets per second, so Gbit/s = payloadBytes × 8 / 10^9 (inner packet octets, one core).
 * {@code -prof gc} gives B/op; the {@code *FramingOnly} rows are espgw's own share.
 * {@link espgw.bench.JceBufferBenchmark} compares JCE on arrays and on direct buffers.
 * {@link espgw.bench.AeadAllocBenchmark} sets espgw's AEAD against the candidates for fewer bytes
 * per packet; {@link espgw.bench.AllocationSites} lists where those bytes are allocated and
 * {@link espgw.bench.CpuTimeProfiler} adds CPU time per operation for a shared machine.
 * {@link espgw.bench.PacketCountingBenchmark} prices the per-packet metrics (no-op recorder
 * against the Micrometer counters).
 *
 * <pre>
 * mvn -q -B -pl vpn-bench -am package -DskipTests
 * java -jar vpn-bench/target/benchmarks.jar 'EspBenchmark\.(seal|open)$' -f 1 -wi 2 -i 3 -w 1s -r 1s -prof gc
 * </pre>
 */
package espgw.bench;
