package espgw.scenario;

import static espgw.scenario.SameSubnetScenarioTest.CLIENT;
import static espgw.scenario.SameSubnetScenarioTest.SERVER;
import static espgw.scenario.SameSubnetScenarioTest.clientConfig;
import static espgw.scenario.SameSubnetScenarioTest.serverConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.lab.Lab;
import espgw.lab.PcapFile;
import espgw.lab.WireCapture;
import espgw.linux.netns.NetNamespace;
import espgw.linux.raw.EspSocketChannel;
import espgw.linux.raw.EspSocketOptions;
import espgw.metrics.ScrapedSeries;
import espgw.nat.Ipv4Prefix;
import espgw.testing.Privileges;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's view of a running lab: a real Prometheus scraping it, drop series, promtool. */
class OperationsLabTest {
    private static final int METRICS_PORT = 9587;
    private static final int PROMETHEUS_PORT = 9090;
    private static final Path DEPLOY = Path.of(System.getProperty("user.dir")).resolve("../deploy/prometheus");
    private static final Pattern DROP_LINE = Pattern.compile("^espgw_drops_total\\{[^}]*reason=\"(\\w+)\"[^}]*} (\\S+)",
            Pattern.MULTILINE);

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
        Privileges.requireCommand("prometheus");
        Privileges.requireCommand("promtool");
    }

    @Test
    void prometheusScrapesTheGatewayAndItsCountersRiseWithTraffic() throws Exception {
        try (Lab lab = scenario2("ops")) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            String client = hosts.client();
            String server = hosts.server();
            Lab.Gateway clientGateway = start(lab, client, server);
            // espgw's main set Netty's cache limit before anything used Netty (PacketBuffersTest: what it does).
            assertTrue(clientGateway.output().contains("cached per event loop up to 128 KiB"), clientGateway.output());
            // The shipped scrape config, scraped every second instead of every 15 s.
            Files.writeString(dir.resolve("prometheus.yml"),
                    Files.readString(DEPLOY.resolve("prometheus.yml")).replace("15s", "1s"));
            Files.copy(DEPLOY.resolve("alerts.yml"), dir.resolve("alerts.yml"));
            lab.spawn(client, "prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + PROMETHEUS_PORT);
            waitFor(() -> status(client, PROMETHEUS_PORT, "/-/ready") == 200, 60, "Prometheus ready");

            ScenarioSupport.assertPing(lab, client, SERVER);
            String query = "/api/v1/query?query=sum(espgw_packets_total%7Bjob%3D%22espgw%22%7D)";
            waitFor(() -> sampleValue(client, query) > 0, 30, "espgw_packets_total scraped by Prometheus");
            double first = sampleValue(client, query);
            ScenarioSupport.assertPing(lab, client, SERVER);
            waitFor(() -> sampleValue(client, query) > first, 30, "espgw_packets_total rising between two queries");

            String names = NamespacedHttp.get(client, PROMETHEUS_PORT, "/api/v1/label/__name__/values").body();
            for (String series : List.of("espgw_drops_total", "espgw_bytes_total", "espgw_sa_up",
                    "espgw_sa_age_seconds", "espgw_tunnel_up", "espgw_direct_memory_used_bytes",
                    "espgw_event_loop_pending_tasks")) {
                assertTrue(names.contains("\"" + series + "\""), series + " missing from Prometheus: " + names);
            }

            String scrape = NamespacedHttp.get(client, METRICS_PORT, "/metrics").body();
            // The packets went through the allocator the gauge reads: it holds at least one chunk.
            assertTrue(ScrapedSeries.parse(scrape).value("espgw_direct_memory_used_bytes") > 0,
                    "espgw_direct_memory_used_bytes after traffic");
            Path scraped = dir.resolve("scraped.txt");
            Files.writeString(scraped, scrape);
            Lab.Result check = Lab.execute("sh", "-c", "promtool check metrics < " + scraped);
            assertEquals(0, check.exitCode(), "promtool check metrics: " + check.output());
        }
    }

    @Test
    void aReplayedAndATamperedPacketEachRaiseExactlyTheirDropSeries() throws Exception {
        try (Lab lab = scenario2("inj")) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            String client = hosts.client();
            String server = hosts.server();
            start(lab, client, server);
            Path pcap = dir.resolve("esp.pcap");
            try (WireCapture capture = WireCapture.start(lab.lan(), Lab.LAN_BRIDGE, pcap)) {
                ScenarioSupport.assertPing(lab, client, SERVER);
            }
            List<byte[]> toServer = new ArrayList<>();
            for (byte[] packet : PcapFile.ipv4Packets(pcap)) {
                if ((packet[9] & 0xff) == 50 && address(packet, 16) == Ipv4Prefix.parseAddress(SERVER)) {
                    toServer.add(packet);
                }
            }
            assertTrue(toServer.size() >= 2, "captured ESP packets to the server: " + toServer.size());
            byte[] replayed = toServer.get(0);
            byte[] tampered = toServer.get(toServer.size() - 1).clone();
            int seqOffset = (tampered[0] & 0x0f) * 4 + 4; // outer header, then SPI, then sequence number
            int seq = address(tampered, seqOffset) + 1000; // new to the window, so only the ICV can reject it
            for (int i = 0; i < 4; i++) {
                tampered[seqOffset + i] = (byte) (seq >>> (24 - 8 * i));
            }

            Map<String, Double> before = drops(server);
            inject(client, replayed);
            waitFor(() -> drops(server).get("replay") == before.get("replay") + 1, 10, "replay drop counted");
            inject(client, tampered);
            waitFor(() -> drops(server).get("icv") == before.get("icv") + 1, 10, "icv drop counted");
            Map<String, Double> after = drops(server);
            for (Map.Entry<String, Double> reason : before.entrySet()) {
                double expected = reason.getValue() + (reason.getKey().equals("replay") || reason.getKey().equals("icv") ? 1 : 0);
                assertEquals(expected, after.get(reason.getKey()), "espgw_drops_total{reason=" + reason.getKey() + "}");
            }
        }
    }

    @Test
    void anSaPastItsHardLifetimeDropsItsPacketsAsSaExpired() throws Exception {
        try (Lab lab = scenario2("life")) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            String client = hosts.client();
            String server = hosts.server();
            lab.startGateway(server, lab.config("server", serverConfig("aes-gcm-128")));
            lab.startGateway(client, lab.config("client",
                    clientConfig("aes-gcm-128") + "      lifetime: {hard_packets: 5}\n"));
            Lab.Result ping = lab.tryExec(client, "ping", "-n", "-c", "8", "-i", "0.2", "-W", "2", SERVER);
            assertTrue(ping.output().contains("8 packets transmitted, 5 received"), ping.output());
            assertEquals(3.0, drops(client).get("sa_expired"), "the three packets after the hard limit");
        }
    }

    private Lab scenario2(String name) {
        return new Lab(name, dir);
    }

    /** Starts both gateways; returns the client's. */
    private static Lab.Gateway start(Lab lab, String client, String server) {
        lab.startGateway(server, lab.config("server", serverConfig("aes-gcm-128")));
        return lab.startGateway(client, lab.config("client", clientConfig("aes-gcm-128")));
    }

    /** Sends a whole IPv4 packet from the client namespace, with espgw's mark so its guard lets it out. */
    private static void inject(String ns, byte[] packet) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            EspSocketChannel channel = NetNamespace.call(ns,
                    () -> EspSocketChannel.open(EspSocketOptions.defaults().withMark(0xe59)));
            group.register(channel).sync();
            channel.writeAndFlush(Unpooled.directBuffer(packet.length).writeBytes(packet)).sync();
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static Map<String, Double> drops(String ns) {
        try {
            Map<String, Double> drops = new HashMap<>();
            Matcher m = DROP_LINE.matcher(NamespacedHttp.get(ns, METRICS_PORT, "/metrics").body());
            while (m.find()) {
                drops.put(m.group(1), Double.parseDouble(m.group(2)));
            }
            return drops;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int status(String ns, int port, String path) {
        try {
            return NamespacedHttp.get(ns, port, path).status();
        } catch (IOException e) {
            return -1; // not listening yet
        }
    }

    /** The value of a one-sample instant query, or -1 while there is none. */
    private static double sampleValue(String ns, String query) {
        try {
            String body = NamespacedHttp.get(ns, PROMETHEUS_PORT, query).body();
            Matcher m = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"]").matcher(body);
            return m.find() ? Double.parseDouble(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static int address(byte[] packet, int offset) {
        return (packet[offset] & 0xff) << 24 | (packet[offset + 1] & 0xff) << 16
                | (packet[offset + 2] & 0xff) << 8 | packet[offset + 3] & 0xff;
    }

    private static void waitFor(BooleanSupplier condition, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for: " + what);
            }
            Thread.sleep(200);
        }
    }
}
