package espgw.daemon;

import espgw.config.ConfigException;
import espgw.config.GatewayConfig;
import espgw.config.PeerConfig;
import espgw.metrics.PeerTraffic;
import espgw.sa.Direction;
import espgw.sa.MemorySequenceStore;
import espgw.sa.SecurityAssociation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Run-time peers built from a config, as the gateway builds them, for handler tests. */
final class UdpPeers {
    /** Three peers: two with ESP in UDP (one on its own port), one with bare ESP. */
    static final String CONFIG = """
            local: 10.0.0.161/24
            tunnel: {udp_port: 4500}
            peers:
              - name: a
                address: 10.0.0.160
                encapsulation: udp
                sa:
                  outbound: {spi: 0x1001, key: 0x0123456789abcdef0123456789abcdef01234567}
                  inbound:  {spi: 0x2001, key: 0x0123456789abcdef0123456789abcdef01234567}
              - name: b
                address: 10.0.0.162
                encapsulation: udp
                udp_port: 14500
                sa:
                  outbound: {spi: 0x1002, key: 0x0123456789abcdef0123456789abcdef01234567}
                  inbound:  {spi: 0x2002, key: 0x0123456789abcdef0123456789abcdef01234567}
              - name: raw
                address: 10.0.0.163
                sa:
                  outbound: {spi: 0x1003, key: 0x0123456789abcdef0123456789abcdef01234567}
                  inbound:  {spi: 0x2003, key: 0x0123456789abcdef0123456789abcdef01234567}
            """;

    private UdpPeers() {
    }

    static GatewayConfig config(Path dir, String yaml) {
        try {
            Path file = Files.createTempFile(dir, "gateway", ".yaml");
            Files.writeString(file, yaml);
            return GatewayConfig.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static List<Peer> peers(GatewayConfig config) {
        List<Peer> peers = new ArrayList<>();
        for (PeerConfig peer : config.peers()) {
            Inet4Address local = address(config.localAddress());
            Inet4Address remote = address(peer.address());
            SecurityAssociation out = peer.outbound().toBuilder(Direction.OUTBOUND).addresses(local, remote)
                    .sequenceStore(new MemorySequenceStore()).build();
            SecurityAssociation in = peer.inbound().toBuilder(Direction.INBOUND).addresses(local, remote).build();
            peers.add(new Peer(peer, out, in, NO_TRAFFIC));
        }
        return peers;
    }

    static final PeerTraffic NO_TRAFFIC = new PeerTraffic() {
        @Override
        public void packetIn(int bytes) {
        }

        @Override
        public void packetOut(int bytes) {
        }
    };

    private static Inet4Address address(int address) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {
                (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
