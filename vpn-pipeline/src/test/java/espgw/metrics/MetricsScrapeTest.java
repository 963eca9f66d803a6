package espgw.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.crypto.AeadAlgorithm;
import espgw.crypto.JceAead;
import espgw.drop.DropReason;
import espgw.sa.Direction;
import espgw.sa.SecurityAssociation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The series GatewayMetrics exposes, with the names and labels dashboards and alerts rely on. */
class MetricsScrapeTest {
    private final AtomicBoolean tunnelUp = new AtomicBoolean();
    private final GatewayMetrics metrics = new GatewayMetrics(tunnelUp::get);
    private long now = 0;

    @AfterEach
    void close() {
        metrics.close();
    }

    @Test
    void everyDropReasonExistsAtZeroAndCounts() {
        ScrapedSeries fresh = ScrapedSeries.of(metrics);
        for (DropReason reason : DropReason.values()) {
            assertEquals(0.0, fresh.value("espgw_drops_total{reason=\"" + reason.label() + "\"}"), reason.label());
        }

        metrics.drops().drop(DropReason.ICV);
        metrics.drops().drop(DropReason.ICV);
        metrics.drops().drop(DropReason.DUMMY);

        ScrapedSeries after = ScrapedSeries.of(metrics);
        assertEquals(2.0, after.value("espgw_drops_total{reason=\"icv\"}"));
        assertEquals(1.0, after.value("espgw_drops_total{reason=\"dummy\"}"));
        assertEquals(0.0, after.value("espgw_drops_total{reason=\"replay\"}"));
        assertEquals(2L, metrics.dropCounts().get("icv"));
    }

    @Test
    void peerTrafficByDirection() {
        PeerTraffic b = metrics.peer("server-b");
        assertSame(b, metrics.peer("server-b"));
        b.packetIn(100);
        b.packetIn(60);
        b.packetOut(1400);

        ScrapedSeries s = ScrapedSeries.of(metrics);
        assertEquals(2.0, s.value("espgw_packets_total{direction=\"in\",peer=\"server-b\"}"));
        assertEquals(160.0, s.value("espgw_bytes_total{direction=\"in\",peer=\"server-b\"}"));
        assertEquals(1.0, s.value("espgw_packets_total{direction=\"out\",peer=\"server-b\"}"));
        assertEquals(1400.0, s.value("espgw_bytes_total{direction=\"out\",peer=\"server-b\"}"));
    }

    @Test
    void saGaugesComeAndGoWithTheSa() {
        SecurityAssociation sa = MetricsTesting.inboundSa(0x1001, () -> now);
        metrics.saInstalled("server-b", sa);
        for (int i = 0; i < 4; i++) {
            sa.admit(1000);
        }
        now = TimeUnit.MINUTES.toNanos(30);

        String labels = "{direction=\"in\",peer=\"server-b\",spi=\"0x00001001\"}";
        ScrapedSeries s = ScrapedSeries.of(metrics);
        assertEquals(1.0, s.value("espgw_sas"));
        assertEquals(1.0, s.value("espgw_sa_up" + labels));
        assertEquals(1800.0, s.value("espgw_sa_age_seconds" + labels));
        assertEquals(4.0, s.value("espgw_sa_packets_total" + labels));
        assertEquals(4000.0, s.value("espgw_sa_bytes_total" + labels));
        // 30 of 60 minutes beats 4 of 10 packets and 4000 of 1e6 octets.
        assertEquals(0.5, s.value("espgw_sa_hard_lifetime_used_ratio" + labels));

        metrics.saRemoved(sa);
        ScrapedSeries gone = ScrapedSeries.of(metrics);
        assertEquals(0.0, gone.value("espgw_sas"));
        assertNull(gone.value("espgw_sa_up" + labels));
        assertTrue(gone.names().stream().noneMatch(name -> name.startsWith("espgw_sa_")), gone.names()::toString);
    }

    @Test
    void noKeyMaterialInTheScrapeOrTheStatus() throws Exception {
        byte[] key = new byte[20];
        Arrays.fill(key, (byte) 0x5a);
        SecurityAssociation sa = SecurityAssociation.builder(0x1001, Direction.INBOUND,
                new JceAead(AeadAlgorithm.AES_GCM_128, key)).build();
        metrics.saInstalled("server-b", sa);
        String keyHex = "5a5a5a5a"; // any 4 key bytes in a row, in hex
        String status = new String(StatusJson.write(new StatusReport("espgw", 1,
                List.of(metrics.peerStatus("server-b", "10.0.0.160", true, null,
                        List.of(StatusReport.Sa.of(sa, StatusReport.Sa.ACTIVE)), null, 0)),
                metrics.dropCounts())), StandardCharsets.UTF_8);

        assertTrue(status.contains("0x00001001"), status);
        assertFalse(status.toLowerCase().contains(keyHex), status);
        assertFalse(ScrapedSeries.of(metrics).text().toLowerCase().contains(keyHex));
    }

    @Test
    void ikeSaUpPerPeerFollowsTheSupplier() {
        AtomicBoolean established = new AtomicBoolean();
        metrics.ikeSaUp("server-b", established::get);
        assertEquals(0.0, ScrapedSeries.of(metrics).value("espgw_ike_sa_up{peer=\"server-b\"}"));
        established.set(true);
        assertEquals(1.0, ScrapedSeries.of(metrics).value("espgw_ike_sa_up{peer=\"server-b\"}"));
    }

    @Test
    void tunnelUpFollowsTheSupplier() {
        assertEquals(0.0, ScrapedSeries.of(metrics).value("espgw_tunnel_up"));
        tunnelUp.set(true);
        assertEquals(1.0, ScrapedSeries.of(metrics).value("espgw_tunnel_up"));
    }

    @Test
    void directMemoryIsWhatThePacketBuffersAllocatorHolds() {
        PooledByteBufAllocator packetBuffers = new PooledByteBufAllocator(true);
        metrics.packetBuffers(packetBuffers);
        assertEquals(0.0, ScrapedSeries.of(metrics).value("espgw_direct_memory_used_bytes"));
        ByteBuf packet = packetBuffers.directBuffer(1500);
        try {
            assertTrue(ScrapedSeries.of(metrics).value("espgw_direct_memory_used_bytes") >= 1500);
        } finally {
            packet.release();
        }
    }

    @Test
    void jvmSeriesArePresent() {
        ScrapedSeries s = ScrapedSeries.of(metrics);
        assertTrue(s.names().contains("jvm_memory_used_bytes"), s.names()::toString);
        assertTrue(s.names().contains("process_uptime_seconds"), s.names()::toString);
    }

    @Test
    void countingAPacketAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        PeerTraffic traffic = metrics.peer("server-b");
        for (int i = 0; i < 200_000; i++) { // warm up past the JIT thresholds
            traffic.packetIn(i);
            traffic.packetOut(i);
            metrics.drops().drop(DropReason.REPLAY);
        }
        // The least of three rounds: a one-time event of the JIT (a recompilation) allocates in one
        // round only (1096 bytes once in CI), an allocation per packet in every round.
        long allocated = Long.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                traffic.packetIn(i);
                traffic.packetOut(i);
                metrics.drops().drop(DropReason.REPLAY);
            }
            allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
        }
        // A few hundred bytes of slack for the measurement itself; one object per packet would be >= 1.6 MB.
        assertTrue(allocated < 1024, allocated + " bytes allocated for 100000 packets");
    }
}
