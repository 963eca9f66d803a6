package espgw.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import espgw.metrics.GatewayMetrics;
import espgw.metrics.MetricsServer;
import espgw.metrics.StatusJson;
import espgw.metrics.StatusReports;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code espgw status} against a real endpoint serving a fixed report, and with nobody listening. */
class StatusCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void rendersLikeWgShow() throws IOException {
        try (GatewayMetrics metrics = new GatewayMetrics(() -> true);
                MetricsServer server = MetricsServer.start(0, metrics, () -> true, StatusReports::twoPeers)) {
            assertEquals(0, execute("status", "--port", "" + server.port()), err::toString);
        }
        assertEquals("""
                instance: espgw
                  uptime: 1 hour, 2 minutes, 3 seconds

                peer: server-b
                  endpoint: 10.0.0.160 (same subnet, routed)
                  latest traffic: 2 seconds ago
                  transfer: 1.20 MiB received (1000 packets), 2.00 KiB sent (12 packets)
                  sa 0x00001001 in  aes-gcm-128 esn, age 5 minutes, 1000 packets, 1.20 MiB
                  sa 0x00002001 out aes-gcm-128 esn, age 5 minutes, 12 packets, 2.00 KiB

                peer: remote "c"
                  endpoint: 192.0.2.7
                  latest traffic: never
                  transfer: 0 B received (0 packets), 0 B sent (0 packets)
                  sa: none (IKE has not negotiated one)

                drops: replay 3, no_sa 1
                """, out.toString());
    }

    @Test
    void jsonIsPrintedVerbatim() throws IOException {
        try (GatewayMetrics metrics = new GatewayMetrics(() -> true);
                MetricsServer server = MetricsServer.start(0, metrics, () -> true, StatusReports::twoPeers)) {
            assertEquals(0, execute("status", "--port", "" + server.port(), "--json"), err::toString);
        }
        assertEquals(new String(StatusJson.write(StatusReports.twoPeers()), StandardCharsets.UTF_8) + "\n",
                out.toString());
    }

    @Test
    void noDaemonIsOneLineAndExitCode1() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertEquals(1, execute("status", "--port", "" + port));
        assertEquals("espgw: no espgw daemon answers on 127.0.0.1:" + port + " — is it running? (espgw up)\n",
                err.toString());
        assertEquals("", out.toString());
    }

    private int execute(String... args) {
        return EspgwCommand.newCommandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
    }
}
