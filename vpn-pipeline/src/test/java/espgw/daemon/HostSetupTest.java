package espgw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.config.GatewayConfig;
import espgw.nat.Ipv4Prefix;
import espgw.testing.NetnsLab;
import espgw.testing.Privileges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostSetupTest {
    private static final Path EXAMPLES = Path.of(System.getProperty("user.dir")).resolve("../deploy/examples");

    @TempDir
    Path dir;

    @Test
    void clientRoutesTheOffsetNetworkAndOffSubnetPeersIntoTheTunnel() throws Exception {
        HostSetup sameSubnet = setup("scenario2-client.yaml");
        assertEquals("[10.0.1.0/24]", sameSubnet.tunnelRoutes().toString());
        HostSetup otherSubnet = setup("scenario1-client.yaml");
        assertEquals("[10.1.2.5/32, 10.1.2.0/24]", otherSubnet.tunnelRoutes().toString());
        assertEquals("[100.64.0.0/16]", setup("scenario2-server.yaml").tunnelRoutes().toString());
    }

    @Test
    void aRoutedSameSubnetPeerGetsAHostRouteAndNoNat() throws Exception {
        HostSetup routed = setup("scenario2-routed-client.yaml");
        assertEquals("[10.0.0.160/32]", routed.tunnelRoutes().toString());
        String nft = routed.nftTable();
        assertFalse(nft.contains("nat") || nft.contains("10.0.1."), nft);
        assertTrue(nft.contains("elements = { 10.0.0.160 }") && nft.contains("ip daddr @protected drop"),
                "the guard still protects the peer: " + nft);
    }

    /**
     * What the host itself sends into the tunnel leaves from an address the peer admits as the inner
     * source, whatever other addresses the host has (here one on lo, listed first, as the kernel
     * would otherwise take it).
     */
    @Test
    void eachRouteTakesTheHostAddressThePeerAdmitsAsSource() throws Exception {
        int lo = Ipv4Prefix.parseAddress("10.5.0.2");
        int local = Ipv4Prefix.parseAddress("10.0.0.161");
        HostSetup routed = setup("scenario2-routed-client.yaml");
        assertEquals(OptionalInt.of(local),
                routed.routeSources(List.of(lo, local)).get(Ipv4Prefix.parse("10.0.0.160/32")));
        HostSetup server = setup("scenario2-server.yaml");
        int serverLocal = Ipv4Prefix.parseAddress("10.0.0.160");
        assertEquals(OptionalInt.of(serverLocal),
                server.routeSources(List.of(lo, serverLocal)).get(Ipv4Prefix.parse("100.64.0.0/16")));

        int inner = Ipv4Prefix.parseAddress("198.51.100.1");
        HostSetup innerTs = ikeClient("[198.51.100.1/32]");
        Ipv4Prefix toPeer = Ipv4Prefix.parse("198.51.100.2/32");
        assertEquals(OptionalInt.of(inner), innerTs.routeSources(List.of(lo, local, inner)).get(toPeer),
                "IKE's local_ts, not the outer address");
        assertEquals(OptionalInt.empty(), innerTs.routeSources(List.of(lo, local)).get(toPeer),
                "no address of the host inside local_ts: the kernel chooses");
        assertEquals(OptionalInt.of(local), ikeClient("[0.0.0.0/0]").routeSources(List.of(lo, local)).get(toPeer),
                "the local address first when local_ts admits it");
    }

    private HostSetup ikeClient(String localTs) throws Exception {
        Path file = dir.resolve("ike.yaml");
        Files.writeString(file, """
                instance: espgw
                role: client
                local: 10.0.0.161/24
                peers:
                  - name: swan
                    address: 10.0.0.160
                    networks: [198.51.100.2/32]
                    ike:
                      psk: interop-psk-not-secret
                      local_ts: %s
                      remote_ts: [198.51.100.2/32]
                """.formatted(localTs));
        return new HostSetup(GatewayConfig.load(file), "eg0");
    }

    @Test
    void oneDnatRuleServesEverySameSubnetPeer() throws Exception {
        String yaml = Files.readString(EXAMPLES.resolve("scenario2-client.yaml"));
        String threeServers = yaml + """
                  - name: server2
                    address: 10.0.0.162
                    sa:
                      outbound: {spi: 0x1002, key: 0x0123456789abcdef0123456789abcdef01234567}
                      inbound:  {spi: 0x2002, key: 0x0123456789abcdef0123456789abcdef01234567}
                  - name: server3
                    address: 10.0.0.7
                    sa:
                      outbound: {spi: 0x1003, key: 0x0123456789abcdef0123456789abcdef01234567}
                      inbound:  {spi: 0x2003, key: 0x0123456789abcdef0123456789abcdef01234567}
                """;
        Path file = dir.resolve("three.yaml");
        Files.writeString(file, threeServers);
        String nft = new HostSetup(GatewayConfig.load(file), "eg0").nftTable();
        assertEquals(1, count(nft, "dnat"), nft);
        assertTrue(nft.contains("10.0.0.160 : 10.0.1.160, 10.0.0.162 : 10.0.1.162, 10.0.0.7 : 10.0.1.7"), nft);
    }

    @Test
    void nftablesAcceptsTheTableOfEveryExample() throws Exception {
        Privileges.requireCommand("nft");
        try (NetnsLab lab = new NetnsLab()) {
            String ns = lab.namespace("nft");
            for (String example : List.of("scenario1-client.yaml", "scenario2-client.yaml", "scenario2-routed-client.yaml", "scenario2-server.yaml",
                    "udp-encapsulation-client.yaml", "scenario2-ike-client.yaml", "scenario2-ike-server.yaml")) {
                Path script = dir.resolve(example + ".nft");
                Files.writeString(script, "table ip espgw {\n" + setup(example).nftTable() + "}\n");
                lab.exec(ns, "nft", "-c", "-f", script.toString());
            }
        }
    }

    @Test
    void espInUdpPassesTheGuardAndEscapesTheDnatOnlyWhenAPeerUsesIt() throws Exception {
        String udp = setup("udp-encapsulation-client.yaml").nftTable();
        assertTrue(udp.contains("ip saddr @protected udp dport 4500 accept\n    ip saddr @protected meta l4proto != esp drop"),
                "UDP to our port is let in before the guard drops: " + udp);
        assertTrue(udp.contains("priority -100; policy accept;\n    meta mark 0xe59 accept\n    meta l4proto != esp dnat"),
                "our own marked datagrams are not steered into the tunnel: " + udp);
        String raw = setup("scenario2-client.yaml").nftTable();
        assertFalse(raw.contains("udp dport"), raw);
        assertEquals(1, count(raw, "meta mark"), "only postrouting's: " + raw);
    }

    @Test
    void ikePeersLetIkeOnPort500AndTheNatTraversalPortPassTheGuardAndEscapeTheDnat() throws Exception {
        String ike = setup("scenario2-ike-client.yaml").nftTable();
        assertTrue(ike.contains("ip saddr @protected udp dport 4500 accept\n    ip saddr @protected udp dport 500 accept\n"
                + "    ip saddr @protected meta l4proto != esp drop"), "IKE in before the guard drops: " + ike);
        assertTrue(ike.contains("priority -100; policy accept;\n    meta mark 0xe59 accept\n    meta l4proto != esp dnat"),
                "our own marked IKE datagrams are not steered into the tunnel: " + ike);
    }

    private static HostSetup setup(String example) throws Exception {
        GatewayConfig config = GatewayConfig.load(EXAMPLES.resolve(example));
        return new HostSetup(config, config.tunnel().device());
    }

    private static int count(String text, String word) {
        return text.split(word, -1).length - 1;
    }
}
