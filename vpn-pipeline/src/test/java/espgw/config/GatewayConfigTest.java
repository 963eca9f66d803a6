package espgw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.sa.SaLifetime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GatewayConfigTest {
    /** A key file an example names, after /etc/espgw/ was replaced by the test's directory. */
    private static final Pattern PSK_FILE = Pattern.compile("psk_file: (\\S+?)[,}\\s]");
    private static final String SA = """
                sa:
                  outbound: {spi: 0x1001, algorithm: aes-gcm-128, key: 0x0123456789abcdef0123456789abcdef01234567}
                  inbound:  {spi: 0x2001, algorithm: aes-gcm-128, key: 0x89abcdef0123456789abcdef0123456789abcdef}
            """;
    private static final String MINIMAL = """
            local: 10.0.0.161/24
            peers:
              - name: server
                address: 10.0.0.160
            """ + SA;

    @TempDir
    Path dir;

    @Test
    void minimalConfigGetsDefaultsDerivedFromTheSubnet() throws Exception {
        GatewayConfig config = load(MINIMAL);
        assertEquals("espgw", config.instance());
        assertEquals(GatewayConfig.Role.CLIENT, config.role());
        assertEquals("10.0.1.0/24", config.offsetNetwork().toString());
        assertEquals("100.64.0.0/16", config.clientPool().toString());
        assertEquals("espgw", config.tunnel().device());
        assertTrue(config.tunnel().offload(), "TUN offloads are on unless turned off");
        assertEquals(1000, config.tunnel().busyPollMicros(), "after a quiet spell the event loop polls 1 ms");
        PeerConfig peer = config.peers().get(0);
        assertTrue(peer.sameSubnet());
        assertEquals(0x1001, peer.outbound().spi());
        assertEquals("aes-gcm-128", peer.outbound().algorithm().configName());
        assertTrue(peer.outbound().esn());
        assertEquals(4096, peer.inbound().replayWindow());
    }

    /**
     * Every example loads, and the seed scenarios each have one, also keyed by IKEv2. The examples read
     * certificate and key files from /etc/espgw/: here they are made in a temporary directory.
     */
    @Test
    void exampleFilesLoad(@TempDir Path etc) throws Exception {
        PkiFiles.create(etc).issue("client", "client.example.net").issue("server", "server.example.net");
        Path examples = Path.of(System.getProperty("user.dir")).resolve("../deploy/examples");
        List<String> loaded = new ArrayList<>();
        try (Stream<Path> files = Files.list(examples)) {
            for (Path example : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                String yaml = Files.readString(example).replace("/etc/espgw/", etc + "/");
                Matcher pskFile = PSK_FILE.matcher(yaml);
                while (pskFile.find()) {
                    Files.writeString(Path.of(pskFile.group(1)), "an-example-psk-of-some-length\n");
                }
                Path copy = etc.resolve(example.getFileName());
                Files.writeString(copy, yaml);
                try {
                    GatewayConfig.load(copy);
                } catch (ConfigException e) {
                    throw new AssertionError(e.getMessage(), e);
                }
                loaded.add(example.getFileName().toString());
            }
        }
        List<String> seedScenarios = List.of("scenario1-client.yaml", "scenario1-ike-client.yaml",
                "scenario1-ike-server.yaml", "scenario2-client.yaml", "scenario2-routed-client.yaml", "scenario2-server.yaml",
                "scenario2-ike-client.yaml", "scenario2-ike-server.yaml", "scenario2-ike-cert-client.yaml",
                "scenario2-ike-cert-server.yaml", "udp-encapsulation-client.yaml", "many-clients-ike-server.yaml",
                "many-servers-ike-client.yaml");
        assertTrue(loaded.containsAll(seedScenarios), "expected the scenario examples in " + examples + ": " + loaded);
    }

    @Test
    void lifetimesApplyToBothSasOfAPeerAndDefaultToUnlimited() throws Exception {
        assertEquals(SaLifetime.NONE, load(MINIMAL).peers().get(0).lifetime());
        SaLifetime lifetime = load(MINIMAL + "      lifetime: {soft_seconds: 3000, hard_seconds: 3600, hard_packets: 1000000}\n")
                .peers().get(0).lifetime();
        assertEquals(Duration.ofSeconds(3000).toNanos(), lifetime.softNanos());
        assertEquals(Duration.ofSeconds(3600).toNanos(), lifetime.hardNanos());
        assertEquals(1_000_000, lifetime.hardPackets());
        assertEquals(SaLifetime.UNLIMITED, lifetime.softBytes());
    }

    @Test
    void udpEncapsulationIsPerPeerAndItsPortDefaultsToTheGateways() throws Exception {
        GatewayConfig raw = load(MINIMAL);
        assertEquals(PeerConfig.Encapsulation.NONE, raw.peers().get(0).encapsulation(), "bare ESP by default");
        assertFalse(raw.anyUdpPeer());
        assertEquals(4500, raw.tunnel().udpPort());
        assertEquals(20, raw.tunnel().natKeepaliveSeconds());

        GatewayConfig udp = load(MINIMAL.replace("address: 10.0.0.160", "address: 10.0.0.160\n    encapsulation: udp")
                + "tunnel: {udp_port: 14500, nat_keepalive: 0}\n");
        assertTrue(udp.anyUdpPeer());
        assertEquals(14500, udp.peers().get(0).udpPort(), "the gateway's port unless the peer names one");
        assertEquals(0, udp.tunnel().natKeepaliveSeconds());
        GatewayConfig own = load(MINIMAL.replace("address: 10.0.0.160",
                "address: 10.0.0.160\n    encapsulation: udp\n    udp_port: 4501"));
        assertEquals(4501, own.peers().get(0).udpPort());
        assertEquals(4500, own.tunnel().udpPort());
    }

    @Test
    void ikeLimitsDefaultAndCanBeSet() throws Exception {
        assertEquals(IkeLimits.DEFAULTS, load(MINIMAL).ikeLimits());
        assertEquals(new IkeLimits(20, 0, java.time.Duration.ofSeconds(5)), load(MINIMAL
                + "ike_limits: {half_open_limit: 20, cookie_threshold: 0, half_open_timeout: 5}\n").ikeLimits());
    }

    @Test
    void tunOffloadsCanBeTurnedOff() throws Exception {
        assertFalse(load(MINIMAL + "tunnel: {offload: false}\n").tunnel().offload());
    }

    @Test
    void busyPollingCanBeShortenedOrTurnedOff() throws Exception {
        assertEquals(250, load(MINIMAL + "tunnel: {busy_poll: 250}\n").tunnel().busyPollMicros());
        assertEquals(0, load(MINIMAL + "tunnel: {busy_poll: 0}\n").tunnel().busyPollMicros());
    }

    @Test
    void sameSubnetPeersAreReachedThroughTheOffsetUnlessRouted() throws Exception {
        GatewayConfig offset = load(MINIMAL);
        assertEquals(GatewayConfig.SameSubnet.OFFSET, offset.sameSubnet());
        assertTrue(offset.reachedThroughOffset(offset.peers().get(0)));
        GatewayConfig routed = load(MINIMAL + "same_subnet: route\n");
        assertEquals(GatewayConfig.SameSubnet.ROUTE, routed.sameSubnet());
        assertTrue(routed.peers().get(0).sameSubnet());
        assertFalse(routed.reachedThroughOffset(routed.peers().get(0)));
        GatewayConfig server = load(MINIMAL + "role: server\n");
        assertFalse(server.reachedThroughOffset(server.peers().get(0)), "a server offsets no peer");
        assertEquals("10.0.1.0/24", load(MINIMAL + "role: server\nclient_pool: 10.0.1.0/24\n").clientPool()
                .toString(), "a server offsets nothing, so its pool may use the block after the LAN");
    }

    @Test
    void aClientOnALanInsideTheDefaultClientPoolLoads() throws Exception {
        GatewayConfig config = load(MINIMAL.replace("10.0.0.", "100.64.0."));
        assertEquals("100.64.0.0/24", config.localSubnet().toString());
        assertTrue(config.reachedThroughOffset(config.peers().get(0)));
    }

    @Test
    void offSubnetPeerIsRoutedNotOffset() throws Exception {
        GatewayConfig config = load(MINIMAL.replace("10.0.0.160", "10.1.2.5"));
        assertFalse(config.peers().get(0).sameSubnet());
    }

    @Test
    void saToStringNeverShowsTheKey() throws Exception {
        GatewayConfig config = load(MINIMAL);
        assertFalse(config.toString().contains("0123456789abcdef"), config.toString());
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                Arguments.of(MINIMAL.replace("local: 10.0.0.161/24", "local: 10.0.0.300/24"),
                        "local: '10.0.0.300' has an octet outside 0..255"),
                Arguments.of(MINIMAL.replace("local: 10.0.0.161/24", "local: 10.0.0.161"),
                        "local: give the LAN prefix too"),
                Arguments.of(MINIMAL.replace("address: 10.0.0.160", "adress: 10.0.0.160"),
                        "peers[0].address: is required"),
                Arguments.of(MINIMAL + "offset_network: 10.0.0.0/24\n",
                        "offset_network: 10.0.0.0/24 overlaps the local subnet"),
                Arguments.of(MINIMAL + "offset_network: 10.0.0.0/16\n",
                        "offset_network: 10.0.0.0/16 must have the same prefix length"),
                Arguments.of(MINIMAL + "role: router\n", "role: 'router' must be client or server"),
                Arguments.of(MINIMAL + "same_subnet: nat\n", "same_subnet: 'nat' must be offset or route"),
                Arguments.of(MINIMAL + "role: server\nsame_subnet: route\n", "same_subnet: applies only to role: client"),
                Arguments.of(MINIMAL + "role: server\noffset_network: 10.0.5.0/24\n",
                        "offset_network: applies only to role: client"),
                Arguments.of(MINIMAL + "same_subnet: route\noffset_network: 10.0.5.0/24\n",
                        "offset_network: applies only with same_subnet: offset"),
                Arguments.of(MINIMAL + "client_pool: 10.0.1.0/24\n", "client_pool: applies only to role: server"),
                Arguments.of(MINIMAL + "role: server\nclient_pool: 10.0.0.0/16\n",
                        "client_pool: 10.0.0.0/16 overlaps the local subnet 10.0.0.0/24"),
                Arguments.of(MINIMAL + "colour: blue\n", "colour: unknown field"),
                Arguments.of(MINIMAL + "tunnel: {offload: yes please}\n", "tunnel.offload: must be true or false"),
                Arguments.of(MINIMAL.replace("spi: 0x1001", "spi: 0x12"), "peers[0].sa.outbound.spi: 0x12 is in the range 1-255"),
                Arguments.of(MINIMAL.replace("key: 0x0123456789abcdef0123456789abcdef01234567", "key: 0x0123"),
                        "peers[0].sa.outbound.key: aes-gcm-128 needs 40 hex digits"),
                Arguments.of(MINIMAL.replace("algorithm: aes-gcm-128, key: 0x89", "algorithm: des, key: 0x89"),
                        "peers[0].sa.inbound.algorithm: unknown algorithm 'des'"),
                Arguments.of(MINIMAL.replace("spi: 0x2001", "spi: 0x1001") + "  - name: other\n    address: 10.0.0.9\n"
                        + "    sa: {outbound: {spi: 0x3001, key: 0x0123456789abcdef0123456789abcdef01234567},"
                        + " inbound: {spi: 0x1001, key: 0x0123456789abcdef0123456789abcdef01234567}}\n",
                        "peers[1].sa.inbound.spi: 0x1001 is used by two peers"),
                Arguments.of(MINIMAL + "      lifetime: {soft_seconds: 60, hard_seconds: 30}\n",
                        "peers[0].sa.lifetime: soft lifetime time limit"),
                Arguments.of(MINIMAL.replace("address: 10.0.0.160", "address: 10.0.0.160\n    encapsulation: tcp"),
                        "peers[0].encapsulation: 'tcp' must be none (bare ESP) or udp (RFC 3948)"),
                Arguments.of(MINIMAL.replace("address: 10.0.0.160", "address: 10.0.0.160\n    udp_port: 4501"),
                        "peers[0].udp_port: applies only with encapsulation: udp"),
                Arguments.of(MINIMAL.replace("address: 10.0.0.160", "address: 10.0.0.160\n    encapsulation: udp\n    udp_port: 0"),
                        "peers[0].udp_port:"),
                Arguments.of(MINIMAL + "tunnel: {udp_port: 70000}\n", "tunnel.udp_port:"),
                Arguments.of(MINIMAL + "tunnel: {nat_keepalive: -1}\n", "tunnel.nat_keepalive:"),
                Arguments.of(MINIMAL + "tunnel: {busy_poll: 10001}\n", "tunnel.busy_poll:"),
                Arguments.of(MINIMAL + "tunnel: {busy_poll: -1}\n", "tunnel.busy_poll:"),
                Arguments.of(MINIMAL + "ike_limits: {half_open_limit: 5, cookie_threshold: 6}\n",
                        "ike_limits.cookie_threshold: 6 is above half_open_limit 5"),
                Arguments.of(MINIMAL + "ike_limits: {half_open_timeout: 0}\n", "ike_limits.half_open_timeout:"),
                Arguments.of("peers: [\n", "not valid YAML at line"),
                Arguments.of("", "is empty"),
                Arguments.of("local: 10.0.0.161/24\n", "peers: at least one peer is required"));
    }

    @ParameterizedTest
    @MethodSource("badConfigs")
    void badConfigIsOneLineNamingFileAndField(String yaml, String expected) throws IOException {
        Path file = write(yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("nope.yaml");
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(file));
        assertEquals(file + ": no such file", e.getMessage());
    }

    private GatewayConfig load(String yaml) throws Exception {
        return GatewayConfig.load(write(yaml));
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("gw.yaml");
        Files.writeString(file, yaml);
        return file;
    }
}
