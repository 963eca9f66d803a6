package espgw.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Counts payload octets per benchmark operation; JMH reports {@code payloadBytes} as a rate in
 * the benchmark's time unit (octets per second). Gbit/s = payloadBytes × 8 / 10^9.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class PayloadThroughput {
    /** Inner-packet octets processed (public: JMH reads it). */
    public long payloadBytes;

    @Setup(Level.Iteration)
    public void reset() {
        payloadBytes = 0;
    }
}
