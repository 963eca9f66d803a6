package espgw.config;

import espgw.nat.Ipv4Prefix;
import espgw.sa.ManualSa;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer gateway: its outer address, the inner networks reached through it, and the manual SAs in
 * both directions.
 *
 * @param sameSubnet the peer is on this host's LAN subnet, so it is reached through its offset
 *                   address (seed scenario 2) rather than through routes (scenario 1)
 * @param networks   inner networks behind the peer, routed into the tunnel; the peer's own
 *                   address is always protected and need not be listed
 */
public record PeerConfig(String name, int address, boolean sameSubnet, List<Ipv4Prefix> networks,
                         ManualSa outbound, ManualSa inbound) {

    static PeerConfig from(ConfigNode node, int localAddress, Ipv4Prefix local) throws ConfigException {
        String name = node.string("name");
        int address = GatewayConfig.address(node, "address", node.string("address"));
        if (address == localAddress) {
            throw node.error("address", Ipv4Prefix.format(address) + " is this host's own address (local)");
        }
        List<Ipv4Prefix> networks = new ArrayList<>();
        List<String> texts = node.strings("networks");
        for (int i = 0; i < texts.size(); i++) {
            networks.add(GatewayConfig.prefix(node, "networks[" + i + "]", texts.get(i)));
        }
        ConfigNode sa = node.child("sa");
        ManualSa outbound = SaConfig.from(sa.child("outbound"));
        ManualSa inbound = SaConfig.from(sa.child("inbound"));
        sa.rejectUnknownFields();
        node.rejectUnknownFields();
        return new PeerConfig(name, address, local.contains(address), List.copyOf(networks), outbound, inbound);
    }
}
