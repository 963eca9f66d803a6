package espgw.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.crypto.Prf;
import espgw.ike.message.IdPayload;
import espgw.ike.session.EspAlgorithms;
import espgw.ike.session.IkeAlgorithms;
import espgw.ike.session.IkeAuthentication;
import espgw.ike.session.IkeLifetimes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code ike:} section of a peer: defaults, parsing of identities and proposals, and one-line errors. */
class IkeConfigTest {
    private static final String PSK = "a-lab-psk-not-secret";
    private static final String MINIMAL = """
            local: 10.0.0.161/24
            peers:
              - name: server
                address: 10.0.0.160
                networks: [10.1.2.0/24]
                ike:
                  psk: a-lab-psk-not-secret
            """;

    @TempDir
    Path dir;

    @Test
    void defaultsAreAddressIdentitiesRespondingModernAlgorithmsAndHostSelectors() throws Exception {
        GatewayConfig config = load(MINIMAL);
        PeerConfig peer = config.peers().get(0);
        assertTrue(peer.keyedByIke());
        assertNull(peer.outbound());
        assertNull(peer.inbound());
        assertTrue(peer.mayUseUdp(), "IKE may float ESP to UDP");
        assertFalse(peer.udpEncapsulated(), "but does not force it");
        assertEquals(4500, peer.udpPort());
        assertTrue(config.anyIkePeer());
        assertTrue(config.anyUdpPeer());
        IkeConfig ike = peer.ike();
        assertArrayEquals(PSK.getBytes(StandardCharsets.UTF_8), psk(ike));
        assertEquals(IkeLifetimes.defaults(), ike.lifetimes());
        assertEquals(IdPayload.ID_IPV4_ADDR, ike.localId().idType());
        assertEquals("10.0.0.161", ike.localId().display());
        assertEquals("10.0.0.160", ike.remoteId().display());
        assertFalse(ike.initiate());
        assertEquals(IkeAlgorithms.defaults(), ike.ike());
        assertEquals(EspAlgorithms.defaults(), ike.esp());
        assertEquals("[10.0.0.161/32]", ike.localTs().toString());
        assertEquals("[10.0.0.160/32, 10.1.2.0/24]", ike.remoteTs().toString());
    }

    @Test
    void identitiesProposalsAndSelectorsAsWritten() throws Exception {
        Path pskFile = dir.resolve("server.psk");
        Files.writeString(pskFile, PSK + "\n");
        IkeConfig ike = load(MINIMAL.replace("psk: a-lab-psk-not-secret", """
                psk_file: %s
                      local_id: client@espgw.test
                      remote_id: server.espgw.test
                      initiate: true
                      proposals: [chacha20poly1305-prfsha384-ecp256, aes128gcm16-prfsha256-x25519]
                      esp_proposals: [aes256gcm16-noesn]
                      local_ts: [198.51.100.1/32]
                      remote_ts: [198.51.100.2/32]""".formatted(pskFile))).peers().get(0).ike();
        assertArrayEquals(PSK.getBytes(StandardCharsets.UTF_8), psk(ike), "first line of the file, trimmed");
        assertEquals(IdPayload.ID_RFC822_ADDR, ike.localId().idType());
        assertEquals(IdPayload.ID_FQDN, ike.remoteId().idType());
        assertTrue(ike.initiate());
        assertEquals(new IkeAlgorithms(List.of(IkeEncryption.CHACHA20_POLY1305, IkeEncryption.AES_GCM_16_128),
                List.of(Prf.PRF_HMAC_SHA2_384, Prf.PRF_HMAC_SHA2_256),
                List.of(KeyExchangeGroup.ECP_256, KeyExchangeGroup.CURVE25519)), ike.ike());
        assertEquals(new EspAlgorithms(List.of(IkeEncryption.AES_GCM_16_256), List.of(false)), ike.esp());
        assertEquals("[198.51.100.1/32]", ike.localTs().toString());
        assertEquals("[198.51.100.2/32]", ike.remoteTs().toString());
    }

    static Stream<Arguments> espProposalsWithGroups() {
        List<IkeEncryption> aes128 = List.of(IkeEncryption.AES_GCM_16_128);
        List<Boolean> either = List.of(true, false);
        List<KeyExchangeGroup> x25519 = List.of(KeyExchangeGroup.CURVE25519);
        return Stream.of(
                Arguments.of("[aes128gcm16]", new EspAlgorithms(aes128, either, List.of(), true)),
                Arguments.of("[aes128gcm16-x25519]", new EspAlgorithms(aes128, either, x25519, false)),
                Arguments.of("[chacha20poly1305-ecp256]", new EspAlgorithms(List.of(IkeEncryption.CHACHA20_POLY1305),
                        either, List.of(KeyExchangeGroup.ECP_256), false)),
                Arguments.of("[aes256gcm16-x25519-ecp256]", new EspAlgorithms(List.of(IkeEncryption.AES_GCM_16_256),
                        either, List.of(KeyExchangeGroup.CURVE25519, KeyExchangeGroup.ECP_256), false)),
                Arguments.of("[aes128gcm16-x25519-modpnone]", new EspAlgorithms(aes128, either, x25519, true)),
                Arguments.of("[aes128gcm16-x25519, aes128gcm16]", new EspAlgorithms(aes128, either, x25519, true)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("espProposalsWithGroups")
    void espProposalGroupsArePfsAsStrongSwanReadsThem(String proposals, EspAlgorithms expected) throws Exception {
        IkeConfig ike = load(MINIMAL + "      esp_proposals: " + proposals + "\n").peers().get(0).ike();
        assertEquals(expected, ike.esp());
    }

    @Test
    void withoutEspProposalsPfsIsOptionalInTheIkeProposalsGroups() throws Exception {
        IkeConfig ike = load(MINIMAL + "      proposals: [aes128gcm16-prfsha256-ecp256]\n").peers().get(0).ike();
        assertEquals(EspAlgorithms.defaults(List.of(KeyExchangeGroup.ECP_256)), ike.esp());
        assertEquals(List.of(KeyExchangeGroup.ECP_256), ike.esp().groups());
        assertTrue(ike.esp().withoutPfs());
    }

    @Test
    void thePskAppearsInNoStringAndNoError() throws Exception {
        GatewayConfig config = load(MINIMAL);
        assertFalse(config.toString().contains(PSK), config.toString());
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(MINIMAL.replace(PSK, "short-secret")));
        assertFalse(e.getMessage().contains("short-secret"), e.getMessage());
    }

    static Stream<Arguments> badConfigs() {
        String sa = "    sa:\n      outbound: {spi: 0x1001, key: 0x0123456789abcdef0123456789abcdef01234567}\n"
                + "      inbound: {spi: 0x2001, key: 0x0123456789abcdef0123456789abcdef01234567}\n";
        return Stream.of(
                Arguments.of(MINIMAL + "      lifetimes: {child_rekey_seconds: -1}\n",
                        "peers[0].ike.lifetimes.child_rekey_seconds: -1 is out of range [0, 2592000]"),
                Arguments.of(MINIMAL + "      lifetimes: {ike_rekey_seconds: 2592001}\n",
                        "peers[0].ike.lifetimes.ike_rekey_seconds: 2592001 is out of range [0, 2592000]"),
                Arguments.of(MINIMAL + "      lifetimes: {dpd_seconds: 3601}\n",
                        "peers[0].ike.lifetimes.dpd_seconds: 3601 is out of range [0, 3600]"),
                Arguments.of(MINIMAL + "      lifetimes: {dpd_seconds: often}\n",
                        "peers[0].ike.lifetimes.dpd_seconds: 'often' is not a whole number"),
                Arguments.of(MINIMAL + "      lifetimes: {rekey_seconds: 60}\n",
                        "peers[0].ike.lifetimes.rekey_seconds: unknown field"),
                Arguments.of(MINIMAL + "      auth: certificates\n",
                        "peers[0].ike.auth: certificates but the fields of psk are given"),
                Arguments.of(MINIMAL + "      auth: rsa\n", "peers[0].ike.auth: 'rsa' must be psk or certificates"),
                Arguments.of(MINIMAL + "      ca: /etc/hostname\n",
                        "peers[0].ike: give exactly one of psk_file, psk or certificates"),
                Arguments.of(MINIMAL.replace("psk: " + PSK, "auth: psk"),
                        "peers[0].ike: give exactly one of psk_file, psk or certificates"),
                Arguments.of(MINIMAL.replace("psk: " + PSK, "private_key: /etc/hostname\n      ca: /etc/hostname"),
                        "peers[0].ike.certificate: is required with certificates"),
                Arguments.of(MINIMAL + sa, "peers[0]: give exactly one of sa (manual keys) or ike"),
                Arguments.of(MINIMAL.replace("    ike:\n      psk: " + PSK + "\n", ""),
                        "peers[0]: give exactly one of sa (manual keys) or ike"),
                Arguments.of(MINIMAL.replace("psk: ", "psk_file: /nonexistent/"),
                        "peers[0].ike.psk_file: cannot read /nonexistent/"),
                Arguments.of(MINIMAL + "      psk_file: /etc/hostname\n", "peers[0].ike: give exactly one of psk_file"),
                Arguments.of(MINIMAL.replace(PSK, "short"), "peers[0].ike.psk: the pre-shared key is shorter than 16"),
                Arguments.of(MINIMAL + "      remote_id: 10.0.0.999\n", "peers[0].ike.remote_id: '10.0.0.999'"),
                Arguments.of(MINIMAL + "      local_id: two words\n", "peers[0].ike.local_id: 'two words' must be"),
                Arguments.of(MINIMAL + "      initiate: sometimes\n", "peers[0].ike.initiate: must be true or false"),
                Arguments.of(MINIMAL + "      proposals: [aes128gcm16-prfsha1-x25519]\n",
                        "peers[0].ike.proposals: 'prfsha1' is not an IKE algorithm"),
                Arguments.of(MINIMAL + "      proposals: [aes128gcm16-x25519]\n",
                        "peers[0].ike.proposals: needs an encryption, a PRF and a key exchange group"),
                Arguments.of(MINIMAL + "      esp_proposals: [aes128cbc]\n",
                        "peers[0].ike.esp_proposals: 'aes128cbc' is not an ESP algorithm"),
                Arguments.of(MINIMAL + "      esp_proposals: [aes128gcm16-modp2048]\n",
                        "peers[0].ike.esp_proposals: 'modp2048' is not an ESP algorithm"),
                Arguments.of(MINIMAL + "      proposals: [aes128gcm16-prfsha256-x25519-modpnone]\n",
                        "peers[0].ike.proposals: 'modpnone' is not an IKE algorithm"),
                Arguments.of(MINIMAL + "      local_ts: [10.0.0.0/33]\n", "peers[0].ike.local_ts[0]:"),
                Arguments.of(MINIMAL + "      dpd: 30\n", "peers[0].ike.dpd: unknown field"));
    }

    @ParameterizedTest
    @MethodSource("badConfigs")
    void badIkeConfigIsOneLineNamingFileAndField(String yaml, String expected) throws IOException {
        Path file = write(yaml);
        ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(file));
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void lifetimesAsWrittenAndZeroTurnsOneOff() throws Exception {
        String lifetimes = "      lifetimes: {child_rekey_seconds: 4, ike_rekey_seconds: 0, dpd_seconds: 5}\n";
        IkeConfig ike = load(MINIMAL + lifetimes).peers().get(0).ike();
        assertEquals(new IkeLifetimes(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(4),
                Duration.ZERO, IkeLifetimes.defaults().jitterPercent()), ike.lifetimes(),
                "the DPD timeout three check intervals unless given");
        IkeLifetimes timeout = load(MINIMAL + "      lifetimes: {dpd_seconds: 5, dpd_timeout_seconds: 7}\n").peers()
                .get(0).ike().lifetimes();
        assertEquals(Duration.ofSeconds(7), timeout.dpdTimeout());
        IkeLifetimes onlyDpdOff = load(MINIMAL + "      lifetimes: {dpd_seconds: 0}\n").peers().get(0).ike()
                .lifetimes();
        assertEquals(Duration.ZERO, onlyDpdOff.dpdInterval());
        assertEquals(IkeLifetimes.defaults().childRekey(), onlyDpdOff.childRekey(), "the others keep their defaults");
        assertEquals(IkeLifetimes.defaults().ikeRekey(), onlyDpdOff.ikeRekey());
    }

    @Test
    void certificatesLoadOurCredentialAndTheCaForThePeer() throws Exception {
        PkiFiles pki = PkiFiles.create(dir).issue("client.example.net", "client.example.net");
        for (String auth : List.of("", "      auth: certificates\n")) {
            IkeConfig ike = load(certificates(pki, "client.example.net") + auth).peers().get(0).ike();
            IkeAuthentication.Certificates certificates =
                    assertInstanceOf(IkeAuthentication.Certificates.class, ike.authentication());
            assertEquals("CN=client.example.net", certificates.credential().certificate().getSubjectX500Principal()
                    .getName());
            assertTrue(ike.toString().contains("certificate=LocalCredential[CN=client.example.net"), ike.toString());
        }
    }

    @Test
    void badCertificateFilesAreOneLineNamingTheFieldNeverTheKey() throws Exception {
        PkiFiles pki = PkiFiles.create(dir).issue("client.example.net", "client.example.net")
                .issue("other.example.net", "other.example.net");
        String good = certificates(pki, "client.example.net");
        String key = pki.key("client.example.net").toString();
        String certificate = pki.certificate("client.example.net").toString();
        String secret = Files.readString(pki.key("client.example.net"));
        String secretLine = secret.lines().skip(1).findFirst().orElseThrow();
        String truncatedBase64 = secretLine.substring(0, secretLine.length() / 2);
        Path truncated = dir.resolve("truncated.key");
        Files.writeString(truncated, secret.replace(secretLine, truncatedBase64));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(good.replace(key, truncated.toString()), "peers[0].ike.private_key: " + truncated + ": ");
        expected.put(good.replace(key, "/nonexistent/client.key"),
                "peers[0].ike.private_key: cannot read /nonexistent/client.key: NoSuchFileException");
        expected.put(good.replace(key, certificate),
                "peers[0].ike.private_key: " + certificate + ": not a private key");
        expected.put(good.replace(certificate, key),
                "peers[0].ike.certificate: " + key + ": not a certificate");
        expected.put(good.replace(certificate, pki.certificate("other.example.net").toString()),
                "peers[0].ike.certificate: " + pki.certificate("other.example.net") + ": the certificate of "
                        + "CN=other.example.net is not for this private key");
        expected.put(good.replace(pki.ca().toString(), certificate),
                "peers[0].ike.ca: " + certificate + ": the certificate of CN=client.example.net is not a CA");
        expected.put(good.replace(pki.ca().toString(), "/etc/hostname"),
                "peers[0].ike.ca: /etc/hostname: no PEM certificate");
        expected.put(good + "      psk: " + PSK + "\n",
                "peers[0].ike: give exactly one of psk_file, psk or certificates");
        for (Map.Entry<String, String> bad : expected.entrySet()) {
            Path file = write(bad.getKey());
            ConfigException e = assertThrows(ConfigException.class, () -> GatewayConfig.load(file));
            assertEquals(file + ": ", e.getMessage().substring(0, file.toString().length() + 2));
            assertTrue(e.getMessage().contains(bad.getValue()), e.getMessage() + "\nexpected " + bad.getValue());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertFalse(e.getMessage().contains(truncatedBase64), e.getMessage());
        }
    }

    private static String certificates(PkiFiles pki, String identity) {
        return MINIMAL.replace("psk: " + PSK, """
                private_key: %s
                      certificate: %s
                      ca: %s
                      local_id: %s""".formatted(pki.key(identity), pki.certificate(identity), pki.ca(), identity));
    }

    private static byte[] psk(IkeConfig ike) {
        return assertInstanceOf(IkeAuthentication.PreSharedKey.class, ike.authentication()).key();
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
