package espgw.scenario;

import static espgw.scenario.IkeDeadPeerScenarioTest.awaitOutputAfter;
import static espgw.scenario.StrongSwanIkeTest.CONNECTION;
import static espgw.scenario.StrongSwanIkeTest.ESPGW_ID;
import static espgw.scenario.StrongSwanIkeTest.ESPGW_INNER;
import static espgw.scenario.StrongSwanIkeTest.ESPGW_OUTER;
import static espgw.scenario.StrongSwanIkeTest.PSK;
import static espgw.scenario.StrongSwanIkeTest.SWAN_ID;
import static espgw.scenario.StrongSwanIkeTest.SWAN_INNER;
import static espgw.scenario.StrongSwanIkeTest.SWAN_OUTER;
import static espgw.scenario.StrongSwanIkeTest.assertPing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.testing.StrongSwan;
import espgw.ike.testing.SwanctlConnection;
import espgw.lab.Lab;
import espgw.testing.NetnsLab;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must-show 4 against strongSwan: charon (responder) killed by its PID, espgw (initiator,
 * {@code dpd_seconds: 3}) finds it dead within the DPD interval and timeout, removes its SAs, and
 * sets the tunnel up again once a new charon runs (namespaces {@code ikds...}).
 */
class StrongSwanDeadPeerTest {
    private static final String IKE = "aes128gcm16-prfsha256-x25519";
    private static final String ESP = "aes128gcm16";
    private static final long DPD_SECONDS = 3;
    private static final long DPD_TIMEOUT_SECONDS = 9;
    /** As in {@link IkeDeadPeerScenarioTest}: 3 + 9 s, two 250 ms timer ticks, 5 s for a loaded machine. */
    private static final long DEAD_WITHIN_MILLIS = TimeUnit.SECONDS.toMillis(DPD_SECONDS + DPD_TIMEOUT_SECONDS)
            + 500 + 5_000;
    /** espgw's IKE_SA_INIT is retransmitted after 2, 4, 8, 16 s until the new charon answers. */
    private static final long BACK_WITHIN_MILLIS = 40_000;

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
        StrongSwan.requireInstalled();
    }

    @Test
    void espgwFindsAKilledCharonDeadRemovesItsSasAndReconnectsToTheNextOne() throws Exception {
        try (Lab lab = new Lab("ikds", dir); NetnsLab swanLab = new NetnsLab("ikds")) {
            String espgw = lab.host("e");
            String swanNs = swanLab.namespace("s");
            swanLab.veth(espgw, "eth0", ESPGW_OUTER + "/24", swanNs, "eth0", SWAN_OUTER + "/24");
            lab.exec(espgw, "ip", "addr", "add", ESPGW_INNER + "/32", "dev", "lo");
            swanLab.exec(swanNs, "ip", "addr", "add", SWAN_INNER + "/32", "dev", "lo");
            SwanctlConnection connection = SwanctlConnection.builder(CONNECTION)
                    .local(SWAN_OUTER, SWAN_ID).remote(ESPGW_OUTER, ESPGW_ID)
                    .trafficSelectors(SWAN_INNER + "/32", ESPGW_INNER + "/32")
                    .authentication(new SwanctlConnection.Psk(PSK)).proposals(IKE, ESP).build();

            Lab.Gateway gateway;
            try (StrongSwan swan = StrongSwan.start(swanLab, swanNs, dir.resolve("swan"), Map.of())) {
                swan.load(connection);
                gateway = lab.startGateway(espgw, lab.config("espgw", StrongSwanIkeTest.config(true, IKE, ESP)
                        + "      lifetimes: {dpd_seconds: " + DPD_SECONDS + "}\n"));
                IkeScenarioTest.awaitOutput(gateway, "IKE SA up: peer swan");
                assertPing(lab, espgw, ESPGW_INNER, SWAN_INNER);

                int before = gateway.output().length();
                long killedAt = System.nanoTime();
                swan.kill();
                awaitOutputAfter(gateway, before, "IKE SA lost: peer swan", DEAD_WITHIN_MILLIS);
                long deadAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
                String after = gateway.output().substring(before);
                assertTrue(deadAfterMillis >= TimeUnit.SECONDS.toMillis(DPD_TIMEOUT_SECONDS - 1),
                        "dead after only " + deadAfterMillis + " ms:\n" + after);
                assertTrue(after.contains("is dead: no answer for " + DPD_TIMEOUT_SECONDS + " s"), after);
                assertEquals(2, after.split("SA down: peer swan.*\\(removed\\)", -1).length - 1, after);
                String status = lab.espgw(espgw, "status").output();
                assertTrue(status.contains("sa: none (IKE has not negotiated one)"), status);
            }

            int beforeReturn = gateway.output().length();
            try (StrongSwan swan = StrongSwan.start(swanLab, swanNs, dir.resolve("swan-again"), Map.of())) {
                swan.load(connection);
                awaitOutputAfter(gateway, beforeReturn, "IKE SA up: peer swan", BACK_WITHIN_MILLIS);
                assertPing(lab, espgw, ESPGW_INNER, SWAN_INNER);
                assertPing(lab, swanNs, SWAN_INNER, ESPGW_INNER);
                assertEquals("ESTABLISHED", StrongSwanIkeTest.only(swan.listSas()).state());
                assertEquals(0, gateway.stop(), gateway.output());
            }
            assertFalse(gateway.output().contains(PSK), "the PSK in the log");
        }
    }
}
