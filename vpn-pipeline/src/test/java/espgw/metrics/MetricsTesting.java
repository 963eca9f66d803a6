package espgw.metrics;

import espgw.crypto.AeadAlgorithm;
import espgw.crypto.JceAead;
import espgw.sa.Clock;
import espgw.sa.Direction;
import espgw.sa.SaLifetime;
import espgw.sa.SecurityAssociation;
import java.time.Duration;

/** SAs for metrics and status tests: inbound (no sequence store needed), with a given clock. */
final class MetricsTesting {
    private MetricsTesting() {
    }

    /** An inbound AES-GCM-128 ESN SA with a hard limit of 10 packets, 1 MB and 1 hour. */
    static SecurityAssociation inboundSa(int spi, Clock clock) {
        return SecurityAssociation.builder(spi, Direction.INBOUND, new JceAead(AeadAlgorithm.AES_GCM_128, new byte[20]))
                .esn(true)
                .lifetime(SaLifetime.of(8, 10, 800_000, 1_000_000, Duration.ofMinutes(50), Duration.ofHours(1)))
                .clock(clock)
                .build();
    }
}
