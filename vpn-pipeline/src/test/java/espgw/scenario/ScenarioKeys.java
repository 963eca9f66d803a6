package espgw.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.config.PkiFiles;
import espgw.lab.Lab;
import espgw.lab.PcapSummary;
import espgw.nat.Ipv4Prefix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The keying lines of one scenario's configs, for one {@link Keying}: each gateway, named as its
 * instance, proves the identity {@code NAME.espgw.test}, with a pre-shared key of each pair's own
 * or with a key and a certificate from one CA made for the scenario. Also what depends on the
 * keying when checking: waiting for IKE, and the wire.
 */
final class ScenarioKeys {
    private static final String ALGORITHM = "aes-gcm-128";
    private static final Pattern SA_UP = Pattern.compile("SA up: peer (\\S+) \\([0-9.]+\\), SA\\[(0x[0-9a-f]{8}) ");

    private final Keying keying;
    private final PkiFiles pki;
    private final Set<String> issued = new HashSet<>();

    ScenarioKeys(Keying keying, Path dir) throws IOException {
        this.keying = keying;
        this.pki = keying.certificates ? PkiFiles.create(Files.createDirectories(dir.resolve("pki"))) : null;
    }

    /**
     * The lines after a peer's {@code address} in the config of gateway {@code local}: how ESP travels
     * and how the SAs with {@code remote} are keyed.
     *
     * @param outboundSpi with manual keys: the SPI this end sends under (the other end's inbound one)
     * @param initiate    with IKE: this end starts the exchange
     */
    String peer(String local, String remote, int outboundSpi, int inboundSpi, boolean initiate) throws IOException {
        String encapsulation = keying.espInUdp ? "    encapsulation: udp\n" : "";
        if (!keying.ike) {
            return encapsulation + ScenarioSupport.sa(outboundSpi, inboundSpi, ALGORITHM);
        }
        return encapsulation + "    ike:\n" + authentication(local, remote)
                + "      local_id: " + identity(local) + "\n" + "      remote_id: " + identity(remote) + "\n"
                + (initiate ? "      initiate: true\n" : "");
    }

    private String authentication(String local, String remote) throws IOException {
        if (!keying.certificates) {
            return "      psk: " + psk(local, remote) + "\n";
        }
        if (issued.add(local)) {
            pki.issue(local, identity(local));
        }
        return "      auth: certificates\n      private_key: " + pki.key(local) + "\n      certificate: "
                + pki.certificate(local) + "\n      ca: " + pki.ca() + "\n";
    }

    /** A key of its own for each pair of gateways, so a server that took the wrong peer's would fail. */
    private static String psk(String local, String remote) {
        return "seed-scenario-psk-" + (local.compareTo(remote) < 0 ? local + "-" + remote : remote + "-" + local);
    }

    private static String identity(String gateway) {
        return gateway + ".espgw.test";
    }

    /** With IKE: waits until {@code gateway} has an IKE SA, and so its CHILD SA, with each of {@code peers}. */
    void awaitUp(Lab.Gateway gateway, String... peers) throws InterruptedException {
        if (!keying.ike) {
            return;
        }
        for (String peer : peers) {
            IkeScenarioTest.awaitOutput(gateway, "IKE SA up: peer " + peer + " (");
        }
    }

    /** The SPIs of the SAs with {@code peer} that the gateway logged as up, in order. */
    static List<String> loggedSpis(Lab.Gateway gateway, String peer) {
        List<String> spis = new ArrayList<>();
        Matcher m = SA_UP.matcher(gateway.output());
        while (m.find()) {
            if (m.group(1).equals(peer)) {
                spis.add(m.group(2));
            }
        }
        return spis;
    }

    /**
     * Only ESP between the two gateways, in UDP or bare as the keying says, and neither marker
     * anywhere in the capture; with IKE, IKE messages may cross too.
     */
    void assertOnlyEsp(Path pcap, String gatewayA, String gatewayB) throws IOException {
        if (!keying.ike) {
            ScenarioSupport.assertOnlyEsp(pcap, gatewayA, gatewayB);
        }
        int a = Ipv4Prefix.parseAddress(gatewayA);
        int b = Ipv4Prefix.parseAddress(gatewayB);
        PcapSummary wire = PcapSummary.read(pcap, a, b, ScenarioSupport.MARKER);
        String between = "the wire between " + gatewayA + " and " + gatewayB + ": " + wire;
        assertTrue(wire.onlyEspAndIke(), between);
        assertEquals(0, keying.espInUdp ? wire.espBetween() : wire.espInUdpBetween(),
                (keying.espInUdp ? "bare ESP, " : "ESP in UDP, ") + between);
        assertEquals(0, PcapSummary.read(pcap, a, b, ScenarioSupport.PING_MARKER).markerHits(),
                "ping payload seen in clear text");
    }
}
