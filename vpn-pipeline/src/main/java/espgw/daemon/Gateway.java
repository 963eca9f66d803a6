package espgw.daemon;

import espgw.config.GatewayConfig;
import espgw.config.PeerConfig;
import espgw.drop.DropRecorder;
import espgw.esp.EspInbound;
import espgw.esp.EspOutbound;
import espgw.esp.InboundContext;
import espgw.esp.SelectorCheck;
import espgw.ike.session.IkeSessionConfig;
import espgw.linux.Inet4Addresses;
import espgw.linux.epoll.BusyPollStrategy;
import espgw.linux.host.HostNetwork;
import espgw.metrics.GatewayMetrics;
import espgw.metrics.MetricsServer;
import espgw.metrics.StatusReport;
import espgw.linux.raw.EspSocketChannel;
import espgw.linux.raw.EspSocketOptions;
import espgw.linux.tun.TunChannel;
import espgw.linux.tun.TunDevice;
import espgw.linux.udp.EspUdpChannel;
import espgw.nat.AddressDeOffset;
import espgw.nat.AddressOffset;
import espgw.nat.ClientAddressPool;
import espgw.nat.ClientDestinationMapping;
import espgw.nat.ClientSourceMapping;
import espgw.nat.ConntrackSourceRestore;
import espgw.nat.Ipv4Prefix;
import espgw.nat.PathMtuGuard;
import espgw.offload.GroCoalescer;
import espgw.offload.GsoSplitter;
import espgw.sa.Clock;
import espgw.sa.Direction;
import espgw.sa.FileSequenceStore;
import espgw.sa.KeyLog;
import espgw.sa.SaDatabase;
import espgw.sa.SaEventListener;
import espgw.sa.SecurityAssociation;
import espgw.wire.EspHeader;
import espgw.wire.UdpEncapsulation;
import espgw.wire.Ipv4Header;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.DefaultSelectStrategyFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategyFactory;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gateway: the host changes (journaled), the SAs, a TUN device, a raw ESP socket and,
 * when a peer uses ESP in UDP (RFC 3948), a UDP socket, all on one epoll event loop, and the
 * pipelines between them (DESIGN.md, "Data path"):
 *
 * <pre>
 *   TUN read → [GsoSplitter] → AddressDeOffset (client) / ClientDestinationMapping (server)
 *            → PathMtuGuard → EspOutbound → count → ForwardToUdp (UDP peers: datagrams, batched, GSO)
 *            → OuterEncapsulation → ESP socket write
 *   ESP read → OuterDecapsulation → EspInbound → SelectorCheck → count
 *            → ConntrackSourceRestore (client) / ClientSourceMapping (server) → [GroCoalescer] TUN write
 *   UDP read → UdpDecapsulation (keepalive, IKE, ESP) → EspInbound → ... the same → TUN write
 *   IKE (UDP 500, and UDP 4500 behind the Non-ESP Marker) → IkeSessions → IkeSession of the peer
 *            → ChildSaInstaller: the peer's SAs, the SA database
 * </pre>
 *
 * The bracketed handlers are there with TUN offloads ({@code tunnel.offload}, the default): the TUN
 * then carries TCP super-packets both ways, cut into segments as soon as they are read and merged
 * again in the TUN's own outbound path (which also frames PathMtuGuard's ICMP errors), so every
 * handler between sees ordinary packets.
 *
 * All channels share one event loop, so a packet crosses from one pipeline to the other without a
 * thread hop. {@link #close()} stops the channels and undoes every host change.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    /** Room in front of a TUN packet for the outer IPv4 header and the ESP header and IV. */
    static final int HEADROOM = 64;
    /** Room behind it for padding, pad length, next header and ICV. */
    static final int TAILROOM = 32;
    /**
     * A read batch (up to 64 packets) is written before its one flush, and unflushed bytes count
     * against the water marks: Netty's default 64 KiB high mark would turn most of a full batch
     * into back-pressure drops. These marks hold several batches.
     */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(1 << 20, 4 << 20);
    static final PooledByteBufAllocator PACKET_BUFFERS = PacketBuffers.allocator();
    /**
     * TUN bytes read per wakeup with offloads: each read can be a 64 KiB super-packet of ~45
     * segments, so after about 1 MiB of ESP packets comes the flush, well inside the water marks.
     * Small packets still come 64 per wakeup (one sendmmsg): a count of 16 reads, the limit before,
     * carried ~15 % fewer 64-byte packets.
     */
    static final int OFFLOAD_BYTES_PER_WAKEUP = 1 << 20;
    /** Kernel buffers of the raw ESP socket, so bursts wait in the kernel rather than drop. */
    static final int SOCKET_BUFFER_BYTES = 4 << 20;
    /** How often IKE checks its retransmission and retry timers (its first timeout is 2 s). */
    static final long IKE_TIMER_MILLIS = 250;
    /** How long {@link #close()} waits for the IKE Deletes to be handed to the sockets. */
    static final long IKE_STOP_MILLIS = 1000;
    /** How long {@code /status} waits for the event loop's snapshot of the IKE state. */
    static final long STATUS_WAIT_MILLIS = 2000;

    private final GatewayConfig config;
    private final HostNetwork host;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final PeerDirectory peers;
    private final SaDatabase database = new SaDatabase();
    private final GatewayMetrics metrics;
    private final DropRecorder drops;
    private final long startedNanos = System.nanoTime();
    private final int mtu;
    /** Server: the fake addresses of clients, shared by both pipelines. */
    private final ClientAddressPool clientPool;
    private EventLoopGroup loop;
    /** Null when tunnel.busy_poll is 0. */
    private final BusyPollStrategy busyPolling;
    private TunChannel tun;
    private EspSocketChannel esp;
    /** ESP in UDP; null when no peer uses it. */
    private EspUdpChannel udp;
    /** IKE on UDP port 500; null when no peer is keyed by IKE. */
    private EpollDatagramChannel ikePort;
    /** Stays open while the gateway runs: IKE peers get their keys later. Null without --keylog. */
    private final KeyLog keyLog;
    private IkeSessions ikeSessions;
    private MetricsServer metricsServer;

    private Gateway(GatewayConfig config, HostNetwork host, Path keyLogFile) throws IOException {
        this.config = config;
        this.host = host;
        this.metrics = new GatewayMetrics(this::isUp);
        this.drops = metrics.drops();
        this.keyLog = keyLogFile == null ? null : KeyLog.open(keyLogFile);
        if (keyLog != null) {
            resources.add(keyLog);
        }
        this.peers = new PeerDirectory(buildPeers(config, keyLog, metrics));
        this.mtu = config.tunnel().mtu() > 0 ? config.tunnel().mtu()
                : innerMtu(config.tunnel().outerMtu() - (config.anyUdpPeer() ? UdpEncapsulation.OVERHEAD : 0));
        this.clientPool = new ClientAddressPool(config.clientPool());
        int busyPoll = config.tunnel().busyPollMicros();
        this.busyPolling = busyPoll == 0 ? null : new BusyPollStrategy(busyPoll);
    }

    /**
     * The largest inner packet whose ESP packet fits {@code outerMtu}: outer IPv4 header, ESP header
     * and IV, payload padded so that it and the 2-byte trailer end on a 4-byte boundary (RFC 4303
     * §2.4), and the ICV. 1446 for a 1500-byte path.
     */
    public static int innerMtu(int outerMtu) {
        int espPayload = outerMtu - Ipv4Header.MIN_HEADER_LENGTH - EspHeader.PAYLOAD_OFFSET - EspHeader.ICV_LENGTH;
        return (espPayload & -EspHeader.ALIGNMENT) - EspHeader.TRAILER_LENGTH;
    }

    /** Sets the host up and starts forwarding; on any failure, undoes what it did and throws. */
    public static Gateway start(GatewayConfig config, Path keyLogFile) throws IOException {
        HostNetwork host = HostNetwork.open(config.instance(), config.stateDir());
        Gateway gateway = null;
        try {
            gateway = new Gateway(config, host, keyLogFile);
            gateway.open();
            return gateway;
        } catch (IOException | RuntimeException | Error e) {
            try {
                if (gateway != null) {
                    gateway.close();
                } else {
                    host.close();
                }
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** The IPv4 addresses this host has now. */
    private static List<Integer> hostAddresses() throws IOException {
        List<Integer> addresses = new ArrayList<>();
        for (NetworkInterface device : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            for (InetAddress address : Collections.list(device.getInetAddresses())) {
                if (address instanceof Inet4Address inet4) {
                    addresses.add(Inet4Addresses.toInt(inet4));
                }
            }
        }
        return addresses;
    }

    /**
     * ESP leaves from the local address and peers answer to it, so it must be one of this host's:
     * else the operator would see a tunnel that is up and carries nothing.
     */
    private void requireLocalAddress(List<Integer> hostAddresses) throws IOException {
        if (!hostAddresses.contains(config.localAddress())) {
            throw new IOException("local: " + Ipv4Prefix.format(config.localAddress())
                    + " is not an address of this host (ip -4 addr lists them);"
                    + " espgw sends ESP from it and receives the peers' replies on it");
        }
    }

    /** The peers; those with manual keys get their SAs now, IKE peers once IKE negotiated them. */
    private static List<Peer> buildPeers(GatewayConfig config, KeyLog keyLog, GatewayMetrics metrics)
            throws IOException {
        FileSequenceStore sequences = new FileSequenceStore(config.sequenceDir().resolve(config.instance()));
        Inet4Address local = Inet4Addresses.fromInt(config.localAddress());
        SaEventListener events = new SaLifetimeLog();
        List<Peer> peers = new ArrayList<>();
        for (PeerConfig peer : config.peers()) {
            if (peer.keyedByIke()) {
                peers.add(new Peer(peer, null, null, metrics.peer(peer.name())));
                continue;
            }
            Inet4Address remote = Inet4Addresses.fromInt(peer.address());
            SecurityAssociation out = peer.outbound().toBuilder(Direction.OUTBOUND)
                    .addresses(local, remote).sequenceStore(sequences).listener(events)
                    .lifetime(peer.lifetime()).build();
            SecurityAssociation in = peer.inbound().toBuilder(Direction.INBOUND).addresses(local, remote)
                    .selectors(InboundSelectors.of(peer)).listener(events).lifetime(peer.lifetime()).build();
            if (keyLog != null) {
                keyLog.log(out, peer.outbound().keymat());
                keyLog.log(in, peer.inbound().keymat());
            }
            metrics.saInstalled(peer.name(), out);
            metrics.saInstalled(peer.name(), in);
            peers.add(new Peer(peer, out, in, metrics.peer(peer.name())));
        }
        return peers;
    }

    private void open() throws IOException {
        List<Integer> hostAddresses = hostAddresses();
        requireLocalAddress(hostAddresses);
        String device = config.tunnel().device();
        boolean offload = config.tunnel().offload();
        TunDevice tunDevice = TunDevice.open(device, 1, offload);
        resources.add(tunDevice);
        tunDevice.setMtu(mtu);
        tunDevice.setUp();
        esp = EspSocketChannel.open(EspSocketOptions.defaults().withMark(config.tunnel().fwmark())
                .withSendBufferBytes(SOCKET_BUFFER_BYTES).withReceiveBufferBytes(SOCKET_BUFFER_BYTES));
        esp.config().setWriteBufferWaterMark(WATER_MARK).setAllocator(PACKET_BUFFERS);
        for (Peer peer : peers.all()) {
            peer.sas().forEach(database::install);
        }

        logPacketBuffers();
        loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory(0, waitingForPackets()));
        metrics.eventLoops(loop);
        metrics.packetBuffers(PACKET_BUFFERS);
        tun = new TunChannel(tunDevice.queue(0));
        tun.config().setWriteBufferWaterMark(WATER_MARK).setAllocator(PACKET_BUFFERS);
        if (offload) {
            // The splitter copies every packet into a buffer with the room, so the read needs none.
            tun.config().setVnetHeader(true).setMaxPacketSize(Ipv4Header.MAX_TOTAL_LENGTH)
                    .setMaxBytesPerRead(OFFLOAD_BYTES_PER_WAKEUP);
        } else {
            tun.config().setHeadroom(HEADROOM).setTailroom(TAILROOM).setMaxPacketSize(mtu);
        }
        if (config.anyUdpPeer()) {
            udp = EspUdpChannel.open(config.tunnel().fwmark(), SOCKET_BUFFER_BYTES);
            udp.config().setWriteBufferWaterMark(WATER_MARK).setAllocator(PACKET_BUFFERS);
        }
        if (config.anyIkePeer()) {
            ikePort = IkeTransport.openIkePort(config.tunnel().fwmark());
            ikePort.config().setAllocator(PACKET_BUFFERS);
        }
        ikeSessions = ikeSessions(new IkeTransport(ikePort, udp));
        if (udp != null) {
            setUpUdp(ikeSessions);
        }
        if (ikePort != null) {
            setUpIke(ikeSessions);
        }
        buildOutbound(tun.pipeline(), tunDevice.acceptsUdpSuperPackets());
        buildInbound(esp.pipeline(), new OuterDecapsulation(drops));
        await(loop.register(esp), "registering the ESP socket");
        await(loop.register(tun), "registering the TUN device");
        // Time lifetimes of idle SAs: checked on the event loop, the SAs' one writer.
        loop.scheduleAtFixedRate(this::checkLifetimes, 1, 1, TimeUnit.SECONDS);

        new HostSetup(config, device).apply(host, hostAddresses);
        if (config.metricsPort() != 0) {
            metricsServer = MetricsServer.start(config.metricsPort(), metrics, this::isUp, this::status);
        }
        for (Peer peer : peers.all()) {
            for (SecurityAssociation sa : peer.sas()) {
                LOG.info("SA up: peer {}, {}", peer, sa);
            }
        }
        // Only now does the firewall admit IKE, and are the routes there for the SAs it brings.
        loop.execute(ikeSessions::start);
    }

    private static void logPacketBuffers() {
        if (PacketBuffers.largestReadsCached()) {
            LOG.info("Packet buffers: Netty's pooled allocator, cached per event loop up to {} KiB",
                    PacketBuffers.maxCachedBytes() / 1024);
        } else {
            LOG.warn("Packet buffers of 64 KiB are not cached per event loop ({}={}): every large read "
                    + "takes the allocator's shared lock. Unset it or raise it to {}.",
                    PacketBuffers.MAX_CACHED_PROPERTY, PacketBuffers.maxCachedBytes(), PacketBuffers.MAX_CACHED_BYTES);
        }
    }

    /** The IKE sessions of the IKE peers (none: every IKE message counts as from an unknown peer). */
    private IkeSessions ikeSessions(IkeTransport transport) {
        List<IkeSession> sessions = new ArrayList<>();
        ChildSaInstaller installer = new ChildSaInstaller(peers, database, metrics, new SaLifetimeLog(),
                Inet4Addresses.fromInt(config.localAddress()), keyLog, Clock.system());
        SecureRandom random = new SecureRandom();
        InboundSpis inboundSpis = new InboundSpis(database, Clock.system());
        InetSocketAddress local =
                new InetSocketAddress(Inet4Addresses.fromInt(config.localAddress()), IkeTransport.IKE_PORT);
        for (Peer peer : peers.all()) {
            if (peer.config().keyedByIke()) {
                IkeSessionConfig session = IkeSessions.sessionConfig(peer.config().ike(), local,
                        new InetSocketAddress(Inet4Addresses.fromInt(peer.address()), IkeTransport.IKE_PORT))
                        .withInboundSpis(inboundSpis);
                sessions.add(new IkeSession(peer, session, transport, installer, metrics, random,
                        Clock.system()));
            }
        }
        IkeSessions ike = new IkeSessions(sessions, installer, transport,
                new HalfOpenLimits(config.ikeLimits(), random, Clock.system(), metrics), Clock.system(), drops);
        metrics.ikeHalfOpen(ike::halfOpen);
        return ike;
    }

    /** The socket on {@code local:500} for IKE (RFC 7296 §2), and the timer of retransmissions. */
    private void setUpIke(IkeSessions ike) throws IOException {
        ikePort.pipeline().addLast("ike", new IkePortReceiver(ike));
        ikePort.pipeline().addLast("send-failures", new SendFailures(drops));
        await(loop.register(ikePort), "registering the IKE socket");
        await(ikePort.bind(new InetSocketAddress(Inet4Addresses.fromInt(config.localAddress()), IkeTransport.IKE_PORT)),
                "binding UDP port " + IkeTransport.IKE_PORT + " (IKE)");
        loop.scheduleAtFixedRate(ike::onTimer, IKE_TIMER_MILLIS, IKE_TIMER_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The UDP socket on {@code local:udp_port}, its inbound pipeline, and NAT-keepalives. */
    private void setUpUdp(IkeInbound ike) throws IOException {
        buildInbound(udp.pipeline(), new UdpDecapsulation(drops, ike, udp::sender));
        udp.pipeline().addLast("send-failures", new SendFailures(drops));
        await(loop.register(udp), "registering the UDP socket");
        int port = config.tunnel().udpPort();
        await(udp.bind(new InetSocketAddress(Inet4Addresses.fromInt(config.localAddress()), port)),
                "binding UDP port " + port + " (tunnel.udp_port)");
        int keepalive = config.tunnel().natKeepaliveSeconds();
        if (keepalive > 0) {
            loop.scheduleAtFixedRate(new NatKeepalive(udpPeers(), udp), keepalive, keepalive, TimeUnit.SECONDS);
        }
        LOG.info("ESP in UDP on port {}: UDP GSO {}, UDP GRO {}", port,
                udp.isUdpGso() ? "on" : "off", udp.isUdpGro() ? "on" : "off");
    }

    private List<Peer> udpPeers() {
        return peers.all().stream().filter(Peer::mayUseUdp).toList();
    }

    private void checkLifetimes() {
        for (Peer peer : peers.all()) {
            peer.sas().forEach(SecurityAssociation::checkLifetime);
        }
    }

    /** What {@code espgw status} shows. */
    public StatusReport status() {
        long now = System.nanoTime();
        Map<Peer, IkeSessions.PeerStatus> ike = ikeStatus();
        List<StatusReport.Peer> report = new ArrayList<>();
        HostSetup hostSetup = hostSetup();
        for (Peer peer : peers.all()) {
            IkeSessions.PeerStatus ikePeer = ike.get(peer);
            List<StatusReport.Sa> sas = ikePeer != null ? ikePeer.sas()
                    : peer.sas().stream().map(sa -> StatusReport.Sa.of(sa, StatusReport.Sa.ACTIVE)).toList();
            report.add(metrics.peerStatus(peer.name(), Ipv4Prefix.format(peer.address()), peer.sameSubnet(),
                    hostSetup.sameSubnetSteering(peer.config()), sas, ikePeer == null ? null : ikePeer.ike(), now));
        }
        return new StatusReport(config.instance(), TimeUnit.NANOSECONDS.toSeconds(now - startedNanos), report,
                metrics.dropCounts());
    }

    /**
     * The IKE peers' state and SAs, taken on the event loop where they change; none (the SAs in force
     * only, no IKE state) when the loop does not answer within {@link #STATUS_WAIT_MILLIS}.
     */
    private Map<Peer, IkeSessions.PeerStatus> ikeStatus() {
        if (ikeSessions == null || !config.anyIkePeer()) {
            return Map.of();
        }
        try {
            return loop.submit(() -> ikeSessions.status(config.tunnel().udpPort()))
                    .get(STATUS_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
            LOG.warn("status: no IKE state from the event loop: {}", e.toString());
            return Map.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        }
    }

    private void buildOutbound(ChannelPipeline pipeline, boolean udpSuperPackets) {
        TunnelRouter router = new TunnelRouter(peers);
        if (config.tunnel().offload()) {
            // Outbound next to the TUN, so every write into it passes; inbound first after the read.
            pipeline.addLast("gro", new GroCoalescer(udpSuperPackets));
            pipeline.addLast("gso-split", new GsoSplitter(HEADROOM, TAILROOM, drops));
        }
        if (config.role() == GatewayConfig.Role.SERVER) {
            pipeline.addLast("client-destination", new ClientDestinationMapping(clientPool, router, drops));
        } else if (config.sameSubnet() == GatewayConfig.SameSubnet.OFFSET) {
            pipeline.addLast("de-offset", new AddressDeOffset(addressOffset(), drops));
        }
        pipeline.addLast("path-mtu", new PathMtuGuard(mtu, config.localAddress(), drops));
        pipeline.addLast("esp", new EspOutbound(router, drops));
        pipeline.addLast("count", PeerTrafficCounter.outbound(router));
        if (udp != null) {
            pipeline.addLast("to-udp", new ForwardToUdp(router, udpPeers(), udp, udp::isUdpGso, drops));
        }
        pipeline.addLast("outer-ipv4", new OuterEncapsulation(router, config.localAddress()));
        pipeline.addLast("to-esp-socket", new ForwardTo(esp, drops));
        watchPackets(pipeline);
    }

    /** Netty's own (sleep when idle), or busy polling after a quiet spell (tunnel.busy_poll). */
    private SelectStrategyFactory waitingForPackets() {
        if (busyPolling == null) {
            return DefaultSelectStrategyFactory.INSTANCE;
        }
        LOG.info("Event loop: after a quiet spell, polls for packets {} µs before it sleeps again"
                + " (tunnel.busy_poll), at most a tenth of its time; busy_poll: 0 turns it off",
                config.tunnel().busyPollMicros());
        return busyPolling.forOneLoop();
    }

    /** Only packets start a busy-poll window, never the loop's timers. */
    private void watchPackets(ChannelPipeline pipeline) {
        if (busyPolling != null) {
            pipeline.addFirst("busy-poll", busyPolling.packetWatch());
        }
    }

    /** @param decapsulation the first handler: it leaves the ESP packet from the SPI on */
    private void buildInbound(ChannelPipeline pipeline, ChannelHandler decapsulation) {
        InboundContext context = new InboundContext();
        pipeline.addLast("decapsulation", decapsulation);
        pipeline.addLast("esp", new EspInbound(database, context, drops));
        pipeline.addLast("selectors", new SelectorCheck(context, drops));
        pipeline.addLast("count", PeerTrafficCounter.inbound(context, peers));
        if (config.role() == GatewayConfig.Role.SERVER) {
            pipeline.addLast("client-source",
                    new ClientSourceMapping(clientPool, ctx -> peers.ofInbound(context.currentSa()), drops));
        } else if (config.sameSubnet() == GatewayConfig.SameSubnet.OFFSET) {
            pipeline.addLast("conntrack-source", new ConntrackSourceRestore(addressOffset(), drops));
        }
        pipeline.addLast("to-tun", new ForwardTo(tun, drops));
        watchPackets(pipeline);
    }

    private AddressOffset addressOffset() {
        return new AddressOffset(config.localSubnet(), config.offsetNetwork());
    }


    public int mtu() {
        return mtu;
    }

    public PeerDirectory peers() {
        return peers;
    }

    public HostSetup hostSetup() {
        return new HostSetup(config, config.tunnel().device());
    }

    /** True while all channels are open: what {@code /health} reports. */
    public boolean isUp() {
        return tun != null && tun.isActive() && esp != null && esp.isActive()
                && (!config.anyUdpPeer() || udp != null && udp.isActive())
                && (!config.anyIkePeer() || ikePort != null && ikePort.isActive());
    }

    @Override
    public void close() throws IOException {
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (ikeSessions != null && loop != null && !loop.isShuttingDown()) {
            // The peers hear of the end before the sockets close (writes are ordered on the one loop).
            loop.submit(ikeSessions::stop).awaitUninterruptibly(IKE_STOP_MILLIS);
        }
        if (tun != null) {
            tun.close().awaitUninterruptibly();
        }
        if (esp != null) {
            esp.close().awaitUninterruptibly();
        }
        if (udp != null) {
            udp.close().awaitUninterruptibly();
        }
        if (ikePort != null) {
            ikePort.close().awaitUninterruptibly();
        }
        if (loop != null) {
            loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("closing {}: {}", resource, e.getMessage());
            }
        }
        for (Peer peer : peers.all()) {
            for (SecurityAssociation sa : peer.sas()) {
                LOG.info("SA down: peer {}, {} after {} packets", peer, sa, sa.packets());
            }
        }
        metrics.close();
        host.close();
    }

    private static void await(ChannelFuture future, String what) throws IOException {
        future.awaitUninterruptibly();
        if (!future.isSuccess()) {
            throw new IOException(what + ": " + future.cause().getMessage(), future.cause());
        }
    }
}
