package espgw.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.config.GatewayConfig;
import espgw.nat.Ipv4Prefix;
import espgw.sa.SaSelectors;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a peer with manual keys may send (for IKE peers: {@link IkeSessionsTest}). */
class InboundSelectorsTest {
    @TempDir
    Path dir;

    private static int a(String dotted) {
        return Ipv4Prefix.parseAddress(dotted);
    }

    @Test
    void aManualPeerSendsFromItselfAndItsNetworksToAnyDestination() {
        GatewayConfig config = UdpPeers.config(dir, UdpPeers.CONFIG.replace("    address: 10.0.0.160\n",
                "    address: 10.0.0.160\n    networks: [10.1.2.0/24, 192.168.0.0/16]\n"));
        SaSelectors a = InboundSelectors.of(config.peers().get(0));
        for (String source : new String[] {"10.0.0.160", "10.1.2.0", "10.1.2.255", "192.168.3.4"}) {
            assertTrue(a.admits(a(source), a("10.0.0.161")), source);
            assertTrue(a.admits(a(source), a("203.0.113.7")), "no local selectors with manual keys");
        }
        // The other peers, this gateway itself, their offset addresses and the client pool.
        for (String forged : new String[] {"10.0.0.162", "10.0.0.163", "10.0.0.161", "10.0.1.162", "100.64.0.1",
                "10.1.3.1"}) {
            assertFalse(a.admits(a(forged), a("10.0.0.161")), forged);
        }
        SaSelectors raw = InboundSelectors.of(config.peers().get(2));
        assertTrue(raw.admits(a("10.0.0.163"), a("10.0.0.161")));
        assertFalse(raw.admits(a("10.0.0.160"), a("10.0.0.161")), "peer a's address, from peer raw");
    }
}
