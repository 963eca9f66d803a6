package espgw.scenario;

import static espgw.scenario.ScenarioSupport.assertPing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.lab.Lab;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Must-show 4: killing one peer (SIGKILL, no Delete sent), the other detects it within the
 * configured DPD interval and timeout, removes its SAs, and the tunnel comes back once the killed
 * gateway is started again, whichever end was killed (namespaces {@code ikd...}; client 10.0.0.161
 * initiates, server 10.0.0.160 responds, both on one LAN).
 */
class IkeDeadPeerScenarioTest {
    private static final String SERVER = SameSubnetScenarioTest.SERVER;
    private static final long DPD_SECONDS = 3;
    private static final long DPD_TIMEOUT_SECONDS = 9;
    private static final long IKE_TIMER_MILLIS = 250;
    /**
     * The survivor last heard from the peer at the kill at the latest, so its liveness check leaves
     * at most {@code dpd_seconds} after it and the peer is dead {@code dpd_timeout_seconds} after
     * that, each noticed on the next IKE timer tick (250 ms): 12.5 s. The slack is for a loaded
     * 2-core machine (JVM pauses, the log read by polling); without the timeout it would take the
     * whole retransmission schedule (3 + 126 s).
     */
    private static final long DEAD_WITHIN_MILLIS = TimeUnit.SECONDS.toMillis(DPD_SECONDS + DPD_TIMEOUT_SECONDS)
            + 2 * IKE_TIMER_MILLIS + 5_000;
    /**
     * And not sooner than the timeout: a check sent just before the kill is answered within
     * milliseconds or not at all, so death comes no earlier than the timeout less that (1 s slack).
     */
    private static final long DEAD_NOT_BEFORE_MILLIS = TimeUnit.SECONDS.toMillis(DPD_TIMEOUT_SECONDS - 1);
    /**
     * The killed end's restart, and, when the initiator survives, its IKE_SA_INIT retransmitted
     * after 2, 4, 8, 16 s (RFC 7296 §2.1) until the restarted responder answers.
     */
    private static final long BACK_WITHIN_MILLIS = 40_000;

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
    }

    private static String lifetimes() {
        return "      lifetimes: {dpd_seconds: " + DPD_SECONDS + "}\n";
    }

    @ParameterizedTest(name = "killed: {0}")
    @ValueSource(strings = {"client", "server"})
    void theSurvivorFindsTheKilledPeerDeadRemovesItsSasAndTheTunnelReturnsWithIt(String killed) throws Exception {
        try (Lab lab = new Lab("ikd", dir)) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            Path serverConfig = lab.config("server", IkeScenarioTest.serverConfig(IkeScenarioTest.PSK, "none")
                    + lifetimes());
            Path clientConfig = lab.config("client", IkeScenarioTest.clientConfig(IkeScenarioTest.PSK, "none")
                    + lifetimes());
            Lab.Gateway server = lab.startGateway(hosts.server(), serverConfig);
            Lab.Gateway client = lab.startGateway(hosts.client(), clientConfig);
            IkeScenarioTest.awaitOutput(client, "IKE SA up: peer server");
            IkeScenarioTest.awaitOutput(server, "IKE SA up: peer client");
            assertPing(lab, hosts.client(), SERVER);

            boolean clientKilled = killed.equals("client");
            Lab.Gateway victim = clientKilled ? client : server;
            Lab.Gateway survivor = clientKilled ? server : client;
            String survivorNs = clientKilled ? hosts.server() : hosts.client();
            String victimNs = clientKilled ? hosts.client() : hosts.server();
            String victimName = clientKilled ? "client" : "server";
            int before = survivor.output().length();

            long killedAt = System.nanoTime();
            victim.kill();
            assertFalse(victim.isAlive());
            int dead = awaitOutputAfter(survivor, before, "IKE SA lost: peer " + victimName, DEAD_WITHIN_MILLIS);
            long deadAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertTrue(deadAfterMillis >= DEAD_NOT_BEFORE_MILLIS, "dead after only " + deadAfterMillis + " ms");
            String lost = survivor.output().substring(dead);
            assertTrue(lost.contains("is dead: no answer for " + DPD_TIMEOUT_SECONDS + " s"), lost);
            String removed = survivor.output().substring(before);
            assertEquals(2, removed.split("SA down: peer " + victimName + ".*\\(removed\\)", -1).length - 1,
                    "the inbound and the outbound SA removed: " + removed);
            String status = lab.espgw(survivorNs, "status").output();
            assertTrue(status.contains("sa: none (IKE has not negotiated one)"), status);

            // As systemd would: ExecStopPost=espgw down, then the same config again.
            assertTrue(lab.down(victimNs, victimName).contains("undid"));
            int beforeReturn = survivor.output().length();
            Lab.Gateway returned = lab.startGateway(victimNs, clientKilled ? clientConfig : serverConfig);
            awaitOutputAfter(survivor, beforeReturn, "IKE SA up: peer " + victimName, BACK_WITHIN_MILLIS);
            awaitOutputAfter(returned, 0, "IKE SA up: peer " + (clientKilled ? "server" : "client"),
                    BACK_WITHIN_MILLIS);
            assertPing(lab, hosts.client(), SERVER);

            assertEquals(0, returned.stop(), returned.output());
            assertEquals(0, survivor.stop(), survivor.output());
        }
    }

    /** Waits until the gateway printed {@code text} past {@code from}; returns where it starts. */
    static int awaitOutputAfter(Lab.Gateway gateway, int from, String text, long timeoutMillis)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            int at = gateway.output().indexOf(text, from);
            if (at >= 0) {
                return at;
            }
            if (System.nanoTime() - deadline > 0 || !gateway.isAlive()) {
                throw new AssertionError("'" + text + "' not in the output of the gateway in " + gateway.namespace()
                        + " within " + timeoutMillis + " ms:\n" + gateway.output().substring(from));
            }
            Thread.sleep(20);
        }
    }
}
