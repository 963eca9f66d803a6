package espgw.scenario;

import static espgw.scenario.IkeScenarioTest.CLIENT;
import static espgw.scenario.IkeScenarioTest.PSK;
import static espgw.scenario.IkeScenarioTest.SERVER;
import static espgw.scenario.IkeScenarioTest.awaitOutput;
import static espgw.scenario.ScenarioSupport.assertPing;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.message.ExchangeType;
import espgw.ike.message.IdPayload;
import espgw.ike.message.TrafficSelector;
import espgw.ike.session.EspAlgorithms;
import espgw.ike.session.IkeAlgorithms;
import espgw.ike.session.IkeInitiator;
import espgw.ike.session.IkeSessionConfig;
import espgw.sa.Clock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.NotifyType;
import espgw.ike.testing.IkeMutations;
import espgw.lab.Lab;
import espgw.lab.WireCapture;
import espgw.nat.Ipv4Prefix;
import espgw.testing.LeakCheckExtension;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile IKE input against a running espgw (RFC 7296 §2.1, §2.5, §2.6, §2.21), namespaces
 * {@code ikh...}: two gateways on seed scenario 2's LAN with an IKE tunnel up (ESP and IKE in UDP),
 * and beside the client, on its address but other ports (and on an address that is no peer), a
 * sender of truncated, oversized, mislabelled and replayed IKE messages to the server's ports 500
 * and 4500. The server answers what the RFC says it must, drops the rest and counts it, logs no
 * exception, and the SAs in force are the same afterwards and still carry ping.
 */
@ExtendWith(LeakCheckExtension.class)
class IkeHostileInputScenarioTest {
    private static final InetSocketAddress SERVER_IKE = new InetSocketAddress(SERVER, 500);
    private static final InetSocketAddress SERVER_NAT_T = new InetSocketAddress(SERVER, 4500);
    /** Not a peer of the server: everything from it is ike_unknown_peer. */
    private static final String STRANGER = "10.0.0.170";
    private static final int FUZZ_DATAGRAMS = 2_500;
    /** The largest UDP payload IPv4 can carry, less the Non-ESP Marker. */
    private static final int MAX_IKE_DATAGRAM = 65_507 - 4;
    private static final Pattern SA_LINE = Pattern.compile("(?m)^  sa (\\S+) (\\S+)");
    private static final Pattern SERIES = Pattern.compile("(?m)^(\\S+(?:\\{[^}]*})?) (\\S+)$");

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
    }

    @Test
    void aFuzzedStreamIsAnsweredOrDroppedPerTheRfcAndTheSasInForceStayAsTheyWere() throws Exception {
        try (Lab lab = new Lab("ikh", dir)) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            String clientNs = hosts.client();
            String serverNs = hosts.server();
            lab.exec(clientNs, "ip", "addr", "add", STRANGER + "/24", "dev", "eth0");
            Path setup = dir.resolve("setup.pcap");
            Lab.Gateway server;
            Lab.Gateway client;
            try (WireCapture capture = WireCapture.start(lab.lan(), Lab.LAN_BRIDGE, setup)) {
                server = lab.startGateway(serverNs, lab.config("server", IkeScenarioTest.serverConfig(PSK, "udp")));
                client = lab.startGateway(clientNs, lab.config("client", IkeScenarioTest.clientConfig(PSK, "udp")));
                awaitOutput(client, "IKE SA up: peer server");
                awaitOutput(server, "IKE SA up: peer client");
            }
            Handshake real = Handshake.from(setup);
            assertPing(lab, clientNs, SERVER);
            List<String> serverSas = sas(lab, serverNs);
            List<String> clientSas = sas(lab, clientNs);
            assertEquals(2, serverSas.size(), serverSas.toString());

            Path hostile = dir.resolve("hostile.pcap");
            IkeMutations mutations = new IkeMutations(7296);
            int probePort;
            List<Integer> fuzzPorts = new ArrayList<>();
            try (WireCapture capture = WireCapture.start(lab.lan(), Lab.LAN_BRIDGE, hostile);
                    MarkedUdpSockets sockets = new MarkedUdpSockets(clientNs, CLIENT, 4);
                    MarkedUdpSockets stranger = new MarkedUdpSockets(clientNs, STRANGER, 1)) {
                probePort = sockets.port(0);
                // §2.1: a replayed IKE_AUTH request (Message ID 1) gets the response cached for it.
                sockets.send(0, natTraversal(real.authRequest()), SERVER_NAT_T);
                // §2.5: another major version; an unknown payload marked critical in an IKE_SA_INIT.
                sockets.send(0, IkeMutations.withMajorVersion(real.initRequest(), 3), SERVER_IKE);
                sockets.send(0, mutations.withUnknownCriticalPayload(withNewSpi(real.initRequest(), 1)), SERVER_IKE);
                // §2.21: the real SPIs and the next Message ID, but an Encrypted payload that does not verify.
                sockets.send(0, natTraversal(garbageInformational(real.authRequest())), SERVER_NAT_T);
                // The first IKE_SA_INIT replayed: its IKE SA is up, the old exchange is over.
                sockets.send(0, real.initRequest(), SERVER_IKE);
                Thread.sleep(500);

                Random random = new Random(4306);
                List<byte[]> recorded = real.all();
                for (int i = 0; i < FUZZ_DATAGRAMS; i++) {
                    byte[] message = mutations.mutate(recorded.get(random.nextInt(recorded.size())));
                    if (i % 10 == 0) {
                        message = withNewSpi(real.initRequest(), i + 2); // a well-formed new IKE_SA_INIT
                    }
                    message = Arrays.copyOf(message, Math.min(message.length, MAX_IKE_DATAGRAM));
                    int socket = 1 + i % 3;
                    switch (random.nextInt(6)) {
                        case 0, 1 -> sockets.send(socket, message, SERVER_IKE);
                        case 2, 3 -> sockets.send(socket, natTraversal(message), SERVER_NAT_T);
                        case 4 -> sockets.send(socket, message, SERVER_NAT_T); // no marker: ESP to the server
                        default -> stranger.send(0, message, SERVER_IKE);
                    }
                    if (i % 25 == 0) {
                        Thread.sleep(20); // about 5 s in all: a stream, not one burst the socket buffer drops
                    }
                }
                for (int i = 1; i < sockets.size(); i++) {
                    fuzzPorts.add(sockets.port(i));
                }
                Thread.sleep(1000);
            }

            assertTrue(server.isAlive() && client.isAlive());
            assertEquals(serverSas, sas(lab, serverNs), "the server's SAs in force");
            assertEquals(clientSas, sas(lab, clientNs), "the client's SAs in force");
            assertPing(lab, clientNs, SERVER);
            for (String line : server.output().split("\n")) {
                assertFalse(line.contains("Exception") || line.contains(" ERROR ") || line.startsWith("\tat "),
                        "the server logged: " + line);
            }

            List<byte[]> answers = answersTo(hostile, probePort);
            assertEquals(3, answers.size(), "the replayed IKE_AUTH, the version and the critical payload");
            assertArrayEquals(real.authResponse(), answers.get(0), "§2.1: the cached IKE_AUTH response");
            IkeMessage version = IkeMessage.decode(answers.get(1));
            assertArrayEquals(new byte[] {IkeHeader.VERSION_2_0},
                    version.notify(NotifyType.INVALID_MAJOR_VERSION).orElseThrow().data(), version.toString());
            IkeMessage critical = IkeMessage.decode(answers.get(2));
            assertArrayEquals(new byte[] {(byte) IkeMutations.UNKNOWN_PAYLOAD_TYPE},
                    critical.notify(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD).orElseThrow().data(), critical.toString());
            assertEquals(0, critical.header().responderSpi(), "no state for it");

            String metrics = NamespacedHttp.get(serverNs, 9587, "/metrics").body();
            assertTrue(series(metrics, "espgw_drops_total{reason=\"ike_malformed\"}") > FUZZ_DATAGRAMS / 10, metrics);
            assertTrue(series(metrics, "espgw_drops_total{reason=\"ike_unknown_peer\"}") > FUZZ_DATAGRAMS / 10,
                    metrics);
            assertTrue(series(metrics, "espgw_ike_cookies_sent_total") > 0, "a flood of new IKE_SA_INITs: " + metrics);
            assertTrue(series(metrics, "espgw_ike_half_open_sas") <= 10, "at most the cookie threshold: " + metrics);
            System.out.println("fuzz answers to the fuzzing ports: " + answersTo(hostile, fuzzPorts).size()
                    + "; server drops: " + metrics.lines().filter(l -> l.startsWith("espgw_drops_total")
                    && !l.endsWith(" 0.0")).toList() + "; server log lines: " + server.output().lines().count());

            assertEquals(0, client.stop(), client.output());
            assertEquals(0, server.stop(), server.output());
        }
    }

    /**
     * §2.6: a flood of IKE_SA_INIT requests from 16 ports of the client's address and from 4 addresses
     * that are no peer, before and while the real client starts: the server keeps at most the cookie
     * threshold of half-open IKE SAs, answers the rest with cookies, the real client returns its
     * cookie and comes up, and the half-open ones time out once the flood ends.
     */
    @Test
    void aFloodOfIkeSaInitGetsCookiesWhileTheRealPeerReturnsItsCookieAndComesUp() throws Exception {
        try (Lab lab = new Lab("ikh", dir)) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            String clientNs = hosts.client();
            String serverNs = hosts.server();
            List<String> strangers = List.of("10.0.0.170", "10.0.0.171", "10.0.0.172", "10.0.0.173");
            for (String stranger : strangers) {
                lab.exec(clientNs, "ip", "addr", "add", stranger + "/24", "dev", "eth0");
            }
            Lab.Gateway server = lab.startGateway(serverNs, lab.config("server",
                    IkeScenarioTest.serverConfig(PSK, "none")
                            + "ike_limits: {cookie_threshold: 5, half_open_limit: 20, half_open_timeout: 3}\n"));
            byte[] initRequest = new IkeInitiator(floodConfig(), new SecureRandom(), Clock.system()).start().get(0);
            Path pcap = dir.resolve("flood.pcap");
            List<Double> halfOpenSeen = new ArrayList<>();
            Lab.Gateway client;
            try (WireCapture capture = WireCapture.start(lab.lan(), Lab.LAN_BRIDGE, pcap);
                    MarkedUdpSockets ports = new MarkedUdpSockets(clientNs, CLIENT, 16);
                    Flood flood = new Flood(initRequest, ports, strangers, clientNs)) {
                flood.start();
                long deadline = System.currentTimeMillis() + 10_000;
                while (series(metrics(serverNs), "espgw_ike_cookies_sent_total") == 0) {
                    assertTrue(System.currentTimeMillis() < deadline, "no cookies: " + metrics(serverNs));
                    Thread.sleep(100);
                }
                client = lab.startGateway(clientNs, lab.config("client", IkeScenarioTest.clientConfig(PSK, "none")));
                long upDeadline = System.currentTimeMillis() + 30_000;
                while (!client.output().contains("IKE SA up: peer server")) {
                    assertTrue(client.isAlive() && System.currentTimeMillis() < upDeadline,
                            "the real client did not come up under the flood: " + client.output());
                    halfOpenSeen.add(series(metrics(serverNs), "espgw_ike_half_open_sas"));
                    Thread.sleep(200);
                }
                awaitOutput(server, "IKE SA up: peer client");
                assertPing(lab, clientNs, SERVER);
                halfOpenSeen.add(series(metrics(serverNs), "espgw_ike_half_open_sas"));
                flood.stop();
                assertTrue(flood.sent() > 100, "flood datagrams: " + flood.sent());
                System.out.println("flood: " + flood.sent() + " IKE_SA_INIT, half-open SAs seen " + halfOpenSeen);
            }
            String metrics = metrics(serverNs);
            // The threshold, plus the real client's own while it completes.
            assertTrue(halfOpenSeen.stream().allMatch(h -> h <= 6), "half-open SAs: " + halfOpenSeen);
            assertTrue(series(metrics, "espgw_ike_cookies_sent_total") > 50, metrics);
            assertTrue(series(metrics, "espgw_drops_total{reason=\"ike_unknown_peer\"}") > 10, metrics);
            Thread.sleep(3_500);
            assertEquals(0, series(metrics(serverNs), "espgw_ike_half_open_sas"), "half_open_timeout: 3 s");

            int serverAddress = Ipv4Prefix.parseAddress(SERVER);
            int clientAddress = Ipv4Prefix.parseAddress(CLIENT);
            boolean cookieToClient = false;
            boolean cookieReturned = false;
            for (CapturedUdp datagram : CapturedUdp.read(pcap)) {
                boolean betweenIkePorts = datagram.sourcePort() == 500 && datagram.destinationPort() == 500;
                IkeMessage message = betweenIkePorts ? IkeMessage.decode(datagram.payload()) : null;
                if (message == null || message.header().exchangeType() != ExchangeType.IKE_SA_INIT
                        || message.notify(NotifyType.COOKIE).isEmpty()) {
                    continue;
                }
                cookieToClient |= datagram.source() == serverAddress && message.header().isResponse();
                cookieReturned |= datagram.source() == clientAddress && !message.header().isResponse()
                        && cookieToClient;
            }
            assertTrue(cookieToClient, "the real client was asked for a cookie");
            assertTrue(cookieReturned, "and sent its IKE_SA_INIT again with it");
            assertEquals(0, client.stop(), client.output());
            assertEquals(0, server.stop(), server.output());
        }
    }

    /** A client's IKE_SA_INIT the server accepts: its identities and espgw's default proposals. */
    private static IkeSessionConfig floodConfig() {
        TrafficSelector any = TrafficSelector.ipv4Prefix(0, 0);
        return new IkeSessionConfig(IdPayload.fqdn(true, "client.espgw.test"),
                IdPayload.fqdn(false, "server.espgw.test"), PSK.getBytes(StandardCharsets.US_ASCII),
                IkeAlgorithms.defaults(), EspAlgorithms.defaults(), List.of(any), List.of(any),
                new InetSocketAddress(CLIENT, 500), SERVER_IKE);
    }

    /**
     * IKE_SA_INIT requests, each with a new initiator SPI, round robin from the client's ports and
     * from addresses that are no peer, about 1000 a second, at most 20 000, until stopped.
     */
    private static final class Flood implements AutoCloseable {
        private static final int MAX_DATAGRAMS = 20_000;
        private final byte[] request;
        private final MarkedUdpSockets ports;
        private final List<MarkedUdpSockets> strangers = new ArrayList<>();
        private final Thread thread = new Thread(this::run, "ike-sa-init-flood");
        private volatile boolean stopped;
        private volatile int sent;

        Flood(byte[] request, MarkedUdpSockets ports, List<String> strangerAddresses, String ns) throws IOException {
            this.request = request;
            this.ports = ports;
            for (String address : strangerAddresses) {
                strangers.add(new MarkedUdpSockets(ns, address, 1));
            }
        }

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        int sent() {
            return sent;
        }

        private void run() {
            try {
                for (int i = 0; i < MAX_DATAGRAMS && !stopped; i++) {
                    byte[] message = withNewSpi(request, i);
                    if (i % 5 == 4) {
                        strangers.get(i % strangers.size()).send(0, message, SERVER_IKE);
                    } else {
                        ports.send(i % ports.size(), message, SERVER_IKE);
                    }
                    sent = i + 1;
                    if (i % 10 == 9) {
                        Thread.sleep(10);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join(5_000);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
            strangers.forEach(MarkedUdpSockets::close);
        }
    }

    private static String metrics(String ns) throws IOException {
        return NamespacedHttp.get(ns, 9587, "/metrics").body();
    }

    /** The real exchange's messages, as captured: IKE_SA_INIT on port 500, IKE_AUTH on 4500. */
    private record Handshake(byte[] initRequest, byte[] initResponse, byte[] authRequest, byte[] authResponse) {
        static Handshake from(Path pcap) throws Exception {
            byte[][] found = new byte[4][];
            for (CapturedUdp datagram : CapturedUdp.read(pcap)) {
                byte[] message = datagram.ikeMessage().orElse(null);
                if (message == null) {
                    continue;
                }
                IkeHeader header = IkeMessage.decode(message).header();
                int index = (header.exchangeType() == ExchangeType.IKE_SA_INIT ? 0
                        : header.exchangeType() == ExchangeType.IKE_AUTH ? 2 : -10) + (header.isResponse() ? 1 : 0);
                if (index >= 0 && found[index] == null) {
                    found[index] = message;
                }
            }
            for (byte[] message : found) {
                assertTrue(message != null, "the handshake in the capture");
            }
            return new Handshake(found[0], found[1], found[2], found[3]);
        }

        List<byte[]> all() {
            return List.of(initRequest, initResponse, authRequest, authResponse);
        }
    }

    /** What the server sent to these ports of the client, IKE messages in order. */
    private static List<byte[]> answersTo(Path pcap, List<Integer> ports) throws Exception {
        int server = Ipv4Prefix.parseAddress(SERVER);
        int client = Ipv4Prefix.parseAddress(CLIENT);
        List<byte[]> answers = new ArrayList<>();
        for (CapturedUdp datagram : CapturedUdp.read(pcap)) {
            if (datagram.source() == server && datagram.destination() == client
                    && ports.contains(datagram.destinationPort())) {
                datagram.ikeMessage().ifPresent(answers::add);
            }
        }
        return answers;
    }

    private static List<byte[]> answersTo(Path pcap, int port) throws Exception {
        return answersTo(pcap, List.of(port));
    }

    /** An IKE_SA_INIT request as the real one, but for a new IKE SA: another initiator's SPI. */
    private static byte[] withNewSpi(byte[] initRequest, long spi) {
        byte[] copy = initRequest.clone();
        ByteBuffer.wrap(copy).putLong(0, 0x6b68000000000000L | spi);
        return copy;
    }

    /** The IKE_AUTH request's SPIs as an INFORMATIONAL request with Message ID 2, its SK content garbled. */
    private static byte[] garbageInformational(byte[] authRequest) {
        byte[] copy = authRequest.clone();
        copy[18] = (byte) ExchangeType.INFORMATIONAL;
        ByteBuffer.wrap(copy).putInt(20, 2);
        for (int i = IkeHeader.LENGTH + 4 + 8; i < copy.length; i++) {
            copy[i] ^= 0x5a;
        }
        return copy;
    }

    /** RFC 3948 §2.2: the Non-ESP Marker in front of an IKE message on port 4500. */
    private static byte[] natTraversal(byte[] message) {
        return ByteBuffer.allocate(4 + message.length).putInt(0).put(message).array();
    }

    /** "SPI direction" of each SA the gateway's status shows. */
    private static List<String> sas(Lab lab, String ns) {
        List<String> sas = new ArrayList<>();
        Matcher m = SA_LINE.matcher(lab.espgw(ns, "status").output());
        while (m.find()) {
            sas.add(m.group(1) + " " + m.group(2));
        }
        return sas;
    }

    /** The value of one series in Prometheus text; 0 when it is not there. */
    static double series(String metrics, String name) {
        Matcher m = SERIES.matcher(metrics);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }
}
