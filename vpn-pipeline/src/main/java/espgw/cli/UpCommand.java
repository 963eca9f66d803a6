package espgw.cli;

import espgw.config.ConfigException;
import espgw.config.GatewayConfig;
import espgw.config.PeerConfig;
import espgw.crypto.AeadBackend;
import espgw.daemon.Gateway;
import espgw.logging.LogFormat;
import espgw.nat.Ipv4Prefix;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code espgw up -c FILE}: sets the host up as the config says, forwards until SIGTERM or SIGINT,
 * then removes everything it added. A bad config stops it before the host is touched (exit 2).
 */
@Command(name = "up",
        description = {
            "Run the gateway: set the host up from the config, encrypt every packet to the peers,",
            "and undo all host changes on SIGTERM or Ctrl-C. After a crash, 'espgw down' cleans up."})
public final class UpCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true,
            description = "Gateway configuration (YAML); see deploy/examples/README.md.")
    Path configFile;

    @Option(names = "--keylog", paramLabel = "FILE",
            description = "Write every SA's keys to FILE (mode 0600) in Wireshark's esp_sa format, for debugging.")
    Path keyLog;

    @Option(names = "--log-format", defaultValue = "text", paramLabel = "FORMAT",
            description = "text (one concise line per event, default) or json (one JSON object per line).")
    String logFormat;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        GatewayConfig config;
        try {
            config = GatewayConfig.load(configFile);
        } catch (ConfigException e) {
            throw OperatorException.badConfig(e.getMessage());
        }
        switch (logFormat) {
            case "text" -> { }
            case "json" -> LogFormat.useJsonLines();
            default -> throw OperatorException.badConfig("--log-format: '" + logFormat + "' must be text or json");
        }
        AeadBackend ciphers;
        try {
            ciphers = AeadBackend.chosen();
        } catch (IllegalArgumentException e) {
            throw OperatorException.badConfig(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        Gateway gateway = Gateway.start(config, keyLog);
        // SIGTERM and SIGINT end the wait below, so the gateway is closed on this thread and the
        // process exits 0 (a JVM killed by a signal would exit 143 and look like a failure).
        CountDownLatch stop = new CountDownLatch(1);
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), received -> stop.countDown());
        }
        Thread safetyNet = new Thread(() -> closeQuietly(gateway, config, out), "espgw-shutdown");
        Runtime.getRuntime().addShutdownHook(safetyNet);
        printSummary(out, config, gateway, ciphers);
        stop.await();
        Runtime.getRuntime().removeShutdownHook(safetyNet);
        gateway.close();
        out.println("espgw up: instance " + config.instance() + " stopped; host changes undone");
        out.flush();
        return 0;
    }

    /** For an exit that is not SIGTERM or SIGINT (e.g. SIGHUP): still undo the host changes. */
    private static void closeQuietly(Gateway gateway, GatewayConfig config, PrintWriter out) {
        try {
            gateway.close();
        } catch (IOException e) {
            out.println("espgw up: stopping left host changes behind (" + e.getMessage()
                    + "); run 'espgw down --instance " + config.instance() + "'");
            out.flush();
        }
    }

    private static void printSummary(PrintWriter out, GatewayConfig config, Gateway gateway, AeadBackend ciphers) {
        out.printf("espgw up: instance %s, role %s, local %s (%s)%n", config.instance(),
                config.role().name().toLowerCase(Locale.ROOT), Ipv4Prefix.format(config.localAddress()),
                config.localSubnet());
        out.printf("  tunnel %s: mtu %d, routes %s via table 0x%x for packets without mark 0x%x%n",
                config.tunnel().device(), gateway.mtu(), gateway.hostSetup().tunnelRoutes(),
                config.tunnel().routeTable(), config.tunnel().fwmark());
        out.printf("  ciphers: %s%n", ciphers.describe());
        for (PeerConfig peer : config.peers()) {
            String via = StatusView.sameSubnetNote(peer.sameSubnet(), gateway.hostSetup().sameSubnetSteering(peer));
            if (peer.keyedByIke()) {
                out.printf("  peer %s at %s%s: keys by IKEv2 as %s, %s%n", peer.name(),
                        Ipv4Prefix.format(peer.address()), via, peer.ike().localId().display(),
                        peer.ike().initiate() ? "initiating" : "waiting for the peer to initiate");
                continue;
            }
            out.printf("  peer %s at %s%s: out SPI 0x%08x, in SPI 0x%08x, %s%s%n", peer.name(),
                    Ipv4Prefix.format(peer.address()), via,
                    peer.outbound().spi(), peer.inbound().spi(), peer.outbound().algorithm().configName(),
                    peer.outbound().esn() ? ", ESN" : "");
        }
        out.println("espgw up: ready (SIGTERM or Ctrl-C stops and undoes; after a crash run 'espgw down --instance "
                + config.instance() + "')");
        out.flush();
    }
}
