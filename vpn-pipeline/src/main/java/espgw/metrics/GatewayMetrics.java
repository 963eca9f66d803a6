package espgw.metrics;

import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import espgw.sa.Direction;
import espgw.sa.SecurityAssociation;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * Every espgw meter, in one Prometheus registry. Names follow Prometheus conventions once
 * rendered: base units, {@code _total} on counters ({@code espgw_drops_total{reason}},
 * {@code espgw_packets_total{peer,direction}}, {@code espgw_bytes_total{peer,direction}},
 * {@code espgw_sa_*{peer,direction,spi}}, {@code espgw_sas}, {@code espgw_tunnel_up},
 * {@code espgw_direct_memory_used_bytes}, {@code espgw_ike_*}) plus the standard JVM and process series.
 *
 * <p>Counters the data path touches are resolved here once; the data path gets them behind
 * {@link #drops()} and {@link #peer(String)}. Label values are built when a peer or SA is added,
 * never per packet.
 */
public final class GatewayMetrics implements AutoCloseable {
    /** The media type of {@link #scrape(OutputStream)}'s output (Prometheus text format 0.0.4). */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final DropReason[] REASONS = DropReason.values();

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter[] dropCounters = new Counter[REASONS.length];
    private final DropRecorder drops = reason -> dropCounters[reason.ordinal()].increment();
    private final Map<String, MicrometerPeerTraffic> peers = new ConcurrentHashMap<>();
    private final Map<SecurityAssociation, List<Meter>> saMeters = new ConcurrentHashMap<>();
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    /** @param tunnelUp whether the tunnel can carry traffic now (read at each scrape) */
    public GatewayMetrics(BooleanSupplier tunnelUp) {
        // Two ProcessorMetrics names break Prometheus' naming rules (promtool check metrics):
        // an abbreviated unit (process_cpu_time_ns_total) and a gauge ending in _count.
        registry.config().meterFilter(MeterFilter.deny(id ->
                id.getName().equals("process.cpu.time") || id.getName().equals("system.cpu.count")));
        for (DropReason reason : REASONS) {
            // Every reason exists from the start at 0, so rate() and alerts see the first drop.
            dropCounters[reason.ordinal()] = Counter.builder("espgw.drops")
                    .description("Packets dropped, by reason")
                    .tag("reason", reason.label())
                    .register(registry);
        }
        Gauge.builder("espgw.tunnel.up", tunnelUp, up -> up.getAsBoolean() ? 1 : 0)
                .description("1 while the tunnel can carry traffic, else 0")
                .strongReference(true)
                .register(registry);
        Gauge.builder("espgw.sas", saMeters, Map::size)
                .description("Security associations installed")
                .register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
    }

    /** Direct memory that {@code packetBuffers}, the channels' allocator, holds. */
    public void packetBuffers(PooledByteBufAllocator packetBuffers) {
        Gauge.builder("espgw.direct.memory.used", packetBuffers, allocator -> allocator.metric().usedDirectMemory())
                .description("Direct memory held by Netty's pooled allocator (packet buffers)")
                .baseUnit(BaseUnits.BYTES)
                .register(registry);
    }

    /** How far behind each event loop is: tasks waiting besides the packet I/O. */
    public void eventLoops(EventLoopGroup group) {
        int index = 0;
        for (EventExecutor executor : group) {
            if (executor instanceof SingleThreadEventExecutor loop) {
                Gauge.builder("espgw.event.loop.pending.tasks", loop, SingleThreadEventExecutor::pendingTasks)
                        .tag("loop", Integer.toString(index))
                        .description("Tasks queued on the event loop")
                        .register(registry);
            }
            index++;
        }
    }

    /** An IKE SA with its first CHILD SA came up with {@code peer} (RFC 7296 §1.2). */
    public void ikeEstablished(String peer) {
        Counter.builder("espgw.ike.sa.established")
                .description("IKE SAs established with their first CHILD SA")
                .tag("peer", peer).register(registry).increment();
    }

    /** 1 while an IKE SA with {@code peer} is established, else 0; read at each scrape. */
    public void ikeSaUp(String peer, BooleanSupplier up) {
        Gauge.builder("espgw.ike.sa.up", up, u -> u.getAsBoolean() ? 1 : 0)
                .description("1 while an IKE SA with the peer is established, else 0")
                .tag("peer", peer)
                .strongReference(true)
                .register(registry);
    }

    /** An IKE setup with {@code peer} failed; {@code notify} names the error (e.g. AUTHENTICATION_FAILED) or is "none". */
    public void ikeFailed(String peer, String notify) {
        Counter.builder("espgw.ike.failures")
                .description("IKE SA or CHILD SA setups that failed, by the error notify sent or received")
                .tag("peer", peer).tag("notify", notify).register(registry).increment();
    }

    /** The IKE SAs half open now, over all peers (RFC 7296 §2.6); read at each scrape. */
    public void ikeHalfOpen(IntSupplier halfOpen) {
        Gauge.builder("espgw.ike.half.open.sas", halfOpen, IntSupplier::getAsInt)
                .description("IKE SAs half open: IKE_SA_INIT answered, IKE_AUTH not yet received")
                .strongReference(true)
                .register(registry);
    }

    /** An IKE_SA_INIT was answered with a COOKIE notify instead of state (RFC 7296 §2.6). */
    public void ikeCookieSent() {
        Counter.builder("espgw.ike.cookies.sent")
                .description("IKE_SA_INIT requests answered with a COOKIE notify instead of a half-open IKE SA")
                .register(registry).increment();
    }

    /** An IKE_SA_INIT was dropped because the half-open limit was reached. */
    public void ikeHalfOpenRejected() {
        Counter.builder("espgw.ike.half.open.rejected")
                .description("IKE_SA_INIT requests dropped at the half-open limit")
                .register(registry).increment();
    }

    /** Where handlers count drops: one pre-resolved counter per reason. */
    public DropRecorder drops() {
        return drops;
    }

    /** The traffic counters of one peer, created on first use; the same object for the same name. */
    public PeerTraffic peer(String name) {
        return peerTraffic(name);
    }

    private MicrometerPeerTraffic peerTraffic(String name) {
        return peers.computeIfAbsent(name, peer -> new MicrometerPeerTraffic(
                packets(peer, "in"), bytes(peer, "in"), packets(peer, "out"), bytes(peer, "out")));
    }

    private Counter packets(String peer, String direction) {
        return Counter.builder("espgw.packets")
                .description("Tunnelled packets: in = received from the peer, out = sent to it")
                .tags("peer", peer, "direction", direction)
                .register(registry);
    }

    private Counter bytes(String peer, String direction) {
        return Counter.builder("espgw.bytes")
                .description("Octets of tunnelled (inner) packets")
                .baseUnit(BaseUnits.BYTES)
                .tags("peer", peer, "direction", direction)
                .register(registry);
    }

    /**
     * Adds the gauges of an SA just installed for {@code peer}; {@link #saRemoved} takes them away.
     * Call it from a control thread, not per packet. Remove an SA before installing another with
     * the same peer, direction and SPI: Micrometer would hand back the old SA's meters.
     */
    public void saInstalled(String peer, SecurityAssociation sa) {
        Tags tags = Tags.of("peer", peer, "direction", directionLabel(sa.direction()),
                "spi", StatusReport.Sa.spiHex(sa.spi()));
        List<Meter> meters = new ArrayList<>(5);
        meters.add(Gauge.builder("espgw.sa.up", () -> 1)
                .description("1 for each installed SA")
                .tags(tags).register(registry));
        meters.add(Gauge.builder("espgw.sa.age", sa, s -> s.ageNanos() / (double) TimeUnit.SECONDS.toNanos(1))
                .description("Time since the SA was created")
                .baseUnit("seconds")
                .tags(tags).strongReference(true).register(registry));
        meters.add(FunctionCounter.builder("espgw.sa.packets", sa, SecurityAssociation::packets)
                .description("Packets counted against the SA's lifetime")
                .tags(tags).register(registry));
        meters.add(FunctionCounter.builder("espgw.sa.bytes", sa, SecurityAssociation::bytes)
                .description("Inner octets counted against the SA's lifetime")
                .baseUnit(BaseUnits.BYTES)
                .tags(tags).register(registry));
        meters.add(Gauge.builder("espgw.sa.hard.lifetime.used.ratio", sa,
                        SecurityAssociation::hardLifetimeUsedRatio)
                .description("Largest of packets, octets and time used over the hard limit; 0 when unlimited")
                .tags(tags).strongReference(true).register(registry));
        saMeters.put(sa, meters);
    }

    public void saRemoved(SecurityAssociation sa) {
        List<Meter> meters = saMeters.remove(sa);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    static String directionLabel(Direction direction) {
        return direction == Direction.INBOUND ? "in" : "out";
    }

    /** Writes every series in the Prometheus text format ({@link #CONTENT_TYPE}). */
    public void scrape(OutputStream out) throws IOException {
        registry.scrape(out);
    }

    /** Drops so far per reason label, in {@link DropReason} order; for {@code /status}. */
    public Map<String, Long> dropCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (DropReason reason : REASONS) {
            counts.put(reason.label(), (long) dropCounters[reason.ordinal()].count());
        }
        return counts;
    }

    /**
     * One peer's part of {@code /status}: its traffic counters, its SAs and its IKE state (null with
     * manual keys). {@code nowNanos} is {@link System#nanoTime()}; see
     * {@link MicrometerPeerTraffic#lastTrafficNanos} for how precise the last-traffic age is.
     */
    public StatusReport.Peer peerStatus(String name, String address, boolean sameSubnet,
            StatusReport.Steering steering, List<StatusReport.Sa> sas, IkeStatus ike, long nowNanos) {
        MicrometerPeerTraffic traffic = peerTraffic(name);
        long last = traffic.lastTrafficNanos(nowNanos);
        Long secondsAgo = last < 0 ? null : TimeUnit.NANOSECONDS.toSeconds(nowNanos - last);
        return new StatusReport.Peer(name, address, sameSubnet, steering, secondsAgo,
                traffic.packetsIn(), traffic.bytesIn(), traffic.packetsOut(), traffic.bytesOut(), sas, ike);
    }

    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }
}
