package espgw.cli;

import espgw.lab.Lab;
import espgw.lab.LabTraffic;
import espgw.lab.PcapSummary;
import espgw.lab.WireCapture;
import espgw.nat.Ipv4Prefix;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code espgw demo}: seed scenario 2 in throw-away network namespaces. A client 10.0.0.161 and a
 * server 10.0.0.160 share one /24; both run {@code espgw up}; the demo pings and transfers through
 * the tunnel, shows a capture of the LAN proving only ESP crossed it, and tears everything down —
 * also on Ctrl-C. Nothing outside the namespaces it creates is touched.
 */
@Command(name = "demo",
        description = {
            "Run seed scenario 2 in throw-away network namespaces: two gateways on one subnet,",
            "ping and a TCP/UDP transfer through the tunnel, a capture proving only ESP crosses the",
            "wire, a summary. Needs root; removes everything it made, also on Ctrl-C."})
public final class DemoCommand implements Callable<Integer> {
    private static final String CLIENT = "10.0.0.161";
    private static final String SERVER = "10.0.0.160";
    private static final String MARKER = "ESPGW-DEMO-CLEARTEXT";

    @Option(names = "--megabytes", defaultValue = "50", paramLabel = "N",
            description = "Size of the TCP transfer (default: ${DEFAULT-VALUE}).")
    int megabytes;

    @Option(names = "--algorithm", defaultValue = "aes-gcm-128", paramLabel = "NAME",
            description = "aes-gcm-128, aes-gcm-256 or chacha20-poly1305 (default: ${DEFAULT-VALUE}).")
    String algorithm;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new OperatorException("the demo creates network namespaces and TUN devices: run it as root", 1);
        }
        Path dir = Files.createTempDirectory("espgw-demo");
        Lab lab = new Lab("demo", dir);
        Thread teardown = new Thread(() -> tearDown(lab, dir), "espgw-demo-teardown");
        Runtime.getRuntime().addShutdownHook(teardown); // Ctrl-C: stop the gateways, remove the namespaces
        try {
            return run(lab, dir, out);
        } finally {
            Runtime.getRuntime().removeShutdownHook(teardown);
            tearDown(lab, dir);
            out.println("demo: namespaces removed");
            out.flush();
        }
    }

    private int run(Lab lab, Path dir, PrintWriter out) throws IOException {
        step(out, "building the lab: client " + CLIENT + " and server " + SERVER + " on one /24 (a bridge)");
        String client = lab.host("client");
        String server = lab.host("server");
        lab.joinLan(client, "eth0", CLIENT + "/24");
        lab.joinLan(server, "eth0", SERVER + "/24");
        String clientBefore = lab.hostState(client);
        String serverBefore = lab.hostState(server);

        step(out, "starting both gateways (espgw up, " + algorithm + ")");
        Lab.Gateway serverGateway = lab.startGateway(server, lab.config("server", config("server", SERVER, CLIENT, 0x2001, 0x1001)));
        Lab.Gateway clientGateway = lab.startGateway(client, lab.config("client", config("client", CLIENT, SERVER, 0x1001, 0x2001)));
        out.print(indent(clientGateway.output()));

        Path pcap = dir.resolve("lan.pcap");
        String ping;
        LabTraffic.Transfer transfer;
        int echoed;
        step(out, "capturing the LAN while traffic flows");
        try (WireCapture capture = WireCapture.start(lab.lan(), Lab.LAN_BRIDGE, pcap)) {
            ping = lab.exec(client, "ping", "-n", "-c", "5", "-i", "0.2", SERVER);
            out.print(indent(last(ping, 2)));
            transfer = LabTraffic.tcp(client, server, SERVER, 5001, megabytes * 1024L * 1024, MARKER, 300);
            out.printf("  TCP: %d MB in %.1f s (%.0f Mbit/s), SHA-256 %s on both ends%n", megabytes,
                    transfer.seconds(), transfer.megabitsPerSecond(), transfer.intact() ? "equal" : "DIFFERENT");
            echoed = LabTraffic.udpEcho(client, server, SERVER, 5001, 20, MARKER);
            out.printf("  UDP: %d of 20 datagrams echoed%n", echoed);
        }
        step(out, "what crossed the wire (tcpdump on the LAN bridge, first lines):");
        out.print(indent(lab.tryExec(lab.lan(), "tcpdump", "-n", "-r", pcap.toString(), "-c", "6", "ip").output()));
        PcapSummary wire = PcapSummary.read(pcap, Ipv4Prefix.parseAddress(CLIENT), Ipv4Prefix.parseAddress(SERVER), MARKER);
        out.println("  " + wire);

        step(out, "stopping the gateways (SIGTERM): each undoes its host changes");
        serverGateway.stop();
        clientGateway.stop();
        boolean restored = clientBefore.equals(lab.hostState(client)) && serverBefore.equals(lab.hostState(server));

        boolean ok = ping.contains(" 0% packet loss") && transfer.intact() && echoed == 20 && wire.onlyEsp() && restored;
        step(out, "summary");
        out.printf("  ping through the tunnel ........ %s%n", ping.contains(" 0% packet loss") ? "ok, no loss" : "FAILED");
        out.printf("  TCP %3d MB, checksums ......... %s%n", megabytes, transfer.intact() ? "equal" : "DIFFERENT");
        out.printf("  UDP echo ....................... %d/20%n", echoed);
        out.printf("  only ESP on the wire ........... %s (%d ESP packets, %d in clear text, marker seen %d times)%n",
                wire.onlyEsp() ? "yes" : "NO", wire.espBetween(), wire.clearBetween(), wire.markerHits());
        out.printf("  hosts restored after stop ...... %s%n", restored ? "yes" : "NO");
        out.println(ok ? "demo: PASSED" : "demo: FAILED");
        out.flush();
        return ok ? 0 : 1;
    }

    private String config(String instance, String local, String peer, int outboundSpi, int inboundSpi) {
        int keyBytes = algorithm.equals("aes-gcm-128") ? 20 : 36;
        return "instance: " + instance + "\nrole: " + (instance.equals("client") ? "client" : "server") + "\n"
                + "local: " + local + "/24\npeers:\n  - name: " + (instance.equals("client") ? "server" : "client")
                + "\n    address: " + peer + "\n    sa:\n"
                + "      outbound: {spi: 0x" + Integer.toHexString(outboundSpi) + ", algorithm: " + algorithm
                + ", key: " + demoKey(outboundSpi, keyBytes) + "}\n"
                + "      inbound: {spi: 0x" + Integer.toHexString(inboundSpi) + ", algorithm: " + algorithm
                + ", key: " + demoKey(inboundSpi, keyBytes) + "}\n";
    }

    /** A fixed, obviously-not-secret key per SPI: the demo's traffic never leaves its namespaces. */
    private static String demoKey(int spi, int bytes) {
        StringBuilder hex = new StringBuilder("0x");
        for (int i = 0; i < bytes; i++) {
            hex.append(String.format("%02x", (spi + i * 13) & 0xff));
        }
        return hex.toString();
    }

    private static void tearDown(Lab lab, Path dir) {
        lab.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is harmless
        }
    }

    private static void step(PrintWriter out, String text) {
        out.println("demo: " + text);
        out.flush();
    }

    private static String indent(String text) {
        return text.isBlank() ? "" : "  " + text.strip().replace("\n", "\n  ") + "\n";
    }

    private static String last(String text, int lines) {
        String[] all = text.strip().split("\n");
        return String.join("\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }
}
