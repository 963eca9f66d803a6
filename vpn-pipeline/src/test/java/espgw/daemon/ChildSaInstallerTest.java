package espgw.daemon;

import static espgw.ike.session.ChildSaFixtures.pair;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import espgw.config.GatewayConfig;
import espgw.linux.Inet4Addresses;
import espgw.metrics.GatewayMetrics;
import espgw.sa.SaDatabase;
import espgw.sa.SaEventListener;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What stays in the SA database across rekeys, by SPI, on a hand-driven clock. */
class ChildSaInstallerTest {
    @TempDir
    Path dir;
    private long now;
    private final SaDatabase database = new SaDatabase();
    private final GatewayMetrics metrics = new GatewayMetrics(() -> true);
    private Peer peer;
    private ChildSaInstaller installer;

    @BeforeEach
    void onePeer() {
        GatewayConfig config = UdpPeers.config(dir, "local: 10.0.0.160/24\npeers:\n  - name: peer\n"
                + "    address: 10.0.0.161\n    ike: {psk: installer-test-psk-not-secret}\n");
        peer = new Peer(config.peers().get(0), null, null, UdpPeers.NO_TRAFFIC);
        installer = new ChildSaInstaller(new PeerDirectory(List.of(peer)), database, metrics, SaEventListener.NONE,
                Inet4Addresses.fromInt(config.localAddress()), null, () -> now);
    }

    @AfterEach
    void closeMetrics() {
        metrics.close();
    }

    @Test
    void bothEndsRekeyingAtOnceKeepsTheOldInboundSaForItsGraceAfterItsDelete() {
        installer.install(peer, pair(0x1001, 0x2001), false, false);
        // Our rekey and the peer's cross (§2.8.1): ours is answered first, the peer's pair waits.
        installer.install(peer, pair(0x1002, 0x2002), false, false);
        installer.install(peer, pair(0x1003, 0x2003), false, true);
        // Ours lost: we delete our new pair, so the peer's goes in force; the peer deletes the old one.
        installer.remove(peer, 0x1002);
        installer.remove(peer, 0x1001);
        assertEquals(0x2003, peer.outbound().spi());
        assertNotNull(database.inbound(0x1001), "packets the peer sent under the old pair still decrypt");
        assertNotNull(database.inbound(0x1002), "and under our losing one");

        now += ChildSaInstaller.REPLACED_INBOUND_GRACE_NANOS;
        installer.onTimer();
        assertNull(database.inbound(0x1001), "the old pair's grace is over");
        assertNull(database.inbound(0x1002), "the losing pair's grace is over");
        assertNotNull(database.inbound(0x1003));
    }

    @Test
    void aPeerThatNeverDeletesWhatItReplacedCannotPileUpInboundSas() {
        for (int i = 1; i <= 5; i++) {
            installer.install(peer, pair(0x1000 + i, 0x2000 + i), false, false);
        }
        long kept = List.of(0x1001, 0x1002, 0x1003, 0x1004).stream().filter(spi -> database.inbound(spi) != null)
                .count();
        assertEquals(ChildSaInstaller.MAX_REPLACED_INBOUND, kept, "replaced inbound SAs kept");
        assertNotNull(database.inbound(0x1005));

        now += ChildSaInstaller.REPLACED_INBOUND_MAX_NANOS;
        installer.onTimer();
        assertEquals(List.of(0x1005), List.of(0x1001, 0x1002, 0x1003, 0x1004, 0x1005).stream()
                .filter(spi -> database.inbound(spi) != null).toList(), "undeleted ones go after a minute too");
    }
}
