package espgw.scenario;

import static espgw.scenario.IkeScenarioTest.CLIENT;
import static espgw.scenario.IkeScenarioTest.SERVER;
import static espgw.scenario.IkeScenarioTest.awaitOutput;
import static espgw.scenario.ScenarioSupport.assertPing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.config.PkiFiles;
import espgw.lab.Lab;
import espgw.lab.LabTraffic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * espgw to espgw with IKEv2 settings from the config (namespaces {@code ikc...}, seed scenario 2's
 * LAN): certificates from a local CA instead of a pre-shared key, and CHILD SAs rekeyed every few
 * seconds under a steady ping.
 */
class IkeCertificateScenarioTest {
    private static final Pattern PING_SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private static final String CHILD_SA_UP = "SA up: peer server (" + SERVER + "), SA[";

    @TempDir
    Path dir;

    @BeforeEach
    void requirements() {
        ScenarioSupport.requireLab();
    }

    private String clientConfig(PkiFiles pki, String extra) {
        return "instance: client\nrole: client\nlocal: " + CLIENT + "/24\npeers:\n"
                + "  - name: server\n    address: " + SERVER + "\n    ike:\n"
                + certificateFields(pki, "client") + "      local_id: client.espgw.test\n"
                + "      remote_id: server.espgw.test\n      initiate: true\n" + extra;
    }

    private String serverConfig(PkiFiles pki) {
        return "instance: server\nrole: server\nlocal: " + SERVER + "/24\npeers:\n"
                + "  - name: client\n    address: " + CLIENT + "\n    ike:\n"
                + certificateFields(pki, "server") + "      local_id: server.espgw.test\n"
                + "      remote_id: client.espgw.test\n";
    }

    private static String certificateFields(PkiFiles pki, String name) {
        return "      auth: certificates\n      private_key: " + pki.key(name) + "\n      certificate: "
                + pki.certificate(name) + "\n      ca: " + pki.ca() + "\n";
    }

    @Test
    void gatewaysWithCertificatesFromOneCaAuthenticateAndCarryTrafficBothWays() throws Exception {
        PkiFiles pki = PkiFiles.create(dir).issue("client", "client.espgw.test").issue("server", "server.espgw.test");
        try (Lab lab = new Lab("ikc", dir)) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            String clientBefore = lab.hostState(hosts.client());
            String serverBefore = lab.hostState(hosts.server());
            Lab.Gateway server = lab.startGateway(hosts.server(), lab.config("server", serverConfig(pki)));
            Lab.Gateway client = lab.startGateway(hosts.client(), lab.config("client", clientConfig(pki, "")));
            awaitOutput(client, "IKE SA up: peer server (" + SERVER + ") (server.espgw.test) as initiator");
            awaitOutput(server, "IKE SA up: peer client (" + CLIENT + ") (client.espgw.test) as responder");

            // Seed scenario 2's roles: the client pings the server (requests one way, replies the other)
            // and downloads from it (the server sees the client only by its pool address, so it cannot ping it).
            assertPing(lab, hosts.client(), SERVER);
            LabTraffic.Transfer download = LabTraffic.tcpFromServer(hosts.client(), hosts.server(), SERVER, 5002,
                    ScenarioSupport.SMALL_TRANSFER_BYTES, ScenarioSupport.MARKER, 120);
            assertTrue(download.intact(), "bulk from the server's side: " + download);

            assertEquals(0, client.stop(), client.output());
            assertEquals(0, server.stop(), server.output());
            String key = Files.readAllLines(pki.key("client")).get(1);
            assertFalse(client.output().contains(key) || server.output().contains(key), "a private key in a log");
            assertEquals(clientBefore, lab.hostState(hosts.client()), "client host state after stop");
            assertEquals(serverBefore, lab.hostState(hosts.server()), "server host state after stop");
        }
    }

    /** A client certificate from another CA than the server's {@code ca}: no IKE SA, no CHILD SA. */
    @Test
    void aCertificateFromAnotherCaFailsWithAuthenticationFailed() throws Exception {
        PkiFiles serverPki = PkiFiles.create(Files.createDirectory(dir.resolve("ours")))
                .issue("client", "client.espgw.test").issue("server", "server.espgw.test");
        PkiFiles otherPki = PkiFiles.create(Files.createDirectory(dir.resolve("other")))
                .issue("client", "client.espgw.test");
        Files.copy(serverPki.ca(), otherPki.dir().resolve("server-ca.crt"));
        String clientYaml = clientConfig(otherPki, "").replace(otherPki.ca().toString(),
                otherPki.dir().resolve("server-ca.crt").toString());
        try (Lab lab = new Lab("ikc", dir)) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            Lab.Gateway server = lab.startGateway(hosts.server(), lab.config("server", serverConfig(serverPki)));
            Lab.Gateway client = lab.startGateway(hosts.client(), lab.config("client", clientYaml));
            awaitOutput(server, "AUTHENTICATION_FAILED");
            awaitOutput(client, "AUTHENTICATION_FAILED");
            assertFalse(server.output().contains("SA up"), server.output());
            assertFalse(client.output().contains("SA up"), client.output());
            assertEquals(0, client.stop(), client.output());
            assertEquals(0, server.stop(), server.output());
        }
    }

    /**
     * The client rekeys its CHILD SA every 4 s (less up to 10% jitter): over 12 s of pings every 0.2 s
     * at least two new pairs come up within the same IKE SA (each logged as two {@code SA up} lines, the
     * old outbound SA {@code replaced}, the old inbound one removed once the peer deleted it), and no
     * reply is lost.
     */
    @Test
    void shortChildLifetimeRekeysWhilePingsKeepGettingReplies() throws Exception {
        PkiFiles pki = PkiFiles.create(dir).issue("client", "client.espgw.test").issue("server", "server.espgw.test");
        try (Lab lab = new Lab("ikc", dir)) {
            SameSubnetScenarioTest.Hosts hosts = SameSubnetScenarioTest.Hosts.onOneLan(lab);
            Lab.Gateway server = lab.startGateway(hosts.server(), lab.config("server", serverConfig(pki)));
            Lab.Gateway client = lab.startGateway(hosts.client(), lab.config("client",
                    clientConfig(pki, "      lifetimes: {child_rekey_seconds: 4, dpd_seconds: 2}\n")));
            awaitOutput(client, "IKE SA up: peer server");
            int pairsBefore = count(client.output(), CHILD_SA_UP) / 2;

            Lab.Result ping = lab.tryExec(hosts.client(), "ping", "-n", "-q", "-c", "60", "-i", "0.2", "-W", "2",
                    SERVER);
            Matcher summary = PING_SUMMARY.matcher(ping.output());
            assertTrue(summary.find(), ping.output());
            int pairsAfter = count(client.output(), CHILD_SA_UP) / 2;

            assertTrue(pairsAfter - pairsBefore >= 2, "CHILD SA rekeys during the pings: " + (pairsAfter - pairsBefore)
                    + "\n" + client.output());
            assertEquals(1, count(client.output(), "IKE SA up:"), "rekeyed within one IKE SA:\n" + client.output());
            assertFalse(client.output().contains("IKE SA lost") || client.output().contains("IKE SA deleted"),
                    client.output());
            assertEquals(summary.group(1), summary.group(2), "ping replies lost across rekeys: " + ping.output());

            assertEquals(0, client.stop(), client.output());
            assertEquals(0, server.stop(), server.output());
        }
    }

    private static int count(String text, String word) {
        return text.split(Pattern.quote(word), -1).length - 1;
    }
}
