package espgw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.config.GatewayConfig;
import espgw.drop.CountingDropRecorder;
import espgw.linux.Inet4Addresses;
import espgw.metrics.GatewayMetrics;
import espgw.sa.SaDatabase;
import espgw.sa.SaEventListener;
import espgw.testing.LeakCheckExtension;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * RFC 7296 §2.23 with a NAT that translates ports: the client (10.0.0.161) sits behind a router
 * (10.1.2.1) whose mappings the test sets, the server (10.1.2.5) is not behind a NAT. The two
 * gateways' IKE sessions run back to back in memory; a datagram the server sends to a port the
 * router has no mapping for is lost, as the router would lose it.
 */
@ExtendWith(LeakCheckExtension.class)
class IkePortTranslationTest {
    private static final String CLIENT = "10.0.0.161";
    private static final String ROUTER = "10.1.2.1";
    private static final String SERVER = "10.1.2.5";
    private static final String PSK = "port-translation-test-psk-not-secret";
    private static final long DPD_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int IKE_PORT = 500;
    private static final int NAT_T_PORT = 4500;
    /** RFC 7296 §3.1: the Message ID follows the two SPIs and four one-octet fields. */
    private static final int MESSAGE_ID_OFFSET = 20;

    @TempDir
    Path dir;
    private long now;
    private final SecureRandom random = new SecureRandom();
    private final GatewayMetrics metrics = new GatewayMetrics(() -> true);
    /** The router's mappings: the client's port → the router's port. */
    private final Map<Integer, Integer> nat = new HashMap<>();
    /** Where the server's datagrams went that the router had no mapping for. */
    private final List<InetSocketAddress> lost = new ArrayList<>();
    /** The client's IKE messages as they reached the server, without the marker. */
    private final List<byte[]> fromClient = new ArrayList<>();

    @AfterEach
    void closeMetrics() {
        metrics.close();
    }

    /**
     * One gateway with one IKE peer, liveness checks every 2 s; identities are names and the server's
     * selectors name the client's own address, which the NAT hides.
     */
    private final class Side {
        final EmbeddedChannel ikePort = new EmbeddedChannel();
        final EmbeddedChannel natTraversalPort = new EmbeddedChannel();
        final Peer peer;
        final IkeSessions sessions;

        Side(String local, String remote, boolean initiate, String identities) {
            GatewayConfig config = UdpPeers.config(dir, "local: " + local + "/24\npeers:\n  - name: peer\n"
                    + "    address: " + remote + "\n"
                    + "    ike: {psk: " + PSK + ", initiate: " + initiate + ", " + identities
                    + ", lifetimes: {dpd_seconds: 2}}\n");
            peer = new Peer(config.peers().get(0), null, null, UdpPeers.NO_TRAFFIC);
            PeerDirectory directory = new PeerDirectory(List.of(peer));
            ChildSaInstaller installer = new ChildSaInstaller(directory, new SaDatabase(), metrics,
                    SaEventListener.NONE, Inet4Addresses.fromInt(config.localAddress()), null, () -> now);
            IkeTransport transport = new IkeTransport(ikePort, natTraversalPort);
            IkeSession session = new IkeSession(peer, IkeSessions.sessionConfig(config.peers().get(0).ike(),
                    new InetSocketAddress(local, IKE_PORT), new InetSocketAddress(remote, IKE_PORT)), transport,
                    installer, metrics, random, () -> now);
            sessions = new IkeSessions(List.of(session), installer, transport,
                    new HalfOpenLimits(config.ikeLimits(), random, () -> now, metrics), () -> now,
                    new CountingDropRecorder());
        }
    }

    private Side client;
    private Side server;

    @BeforeEach
    void sides() {
        client = new Side(CLIENT, SERVER, true, "local_id: client.espgw.test, remote_id: server.espgw.test");
        server = new Side(SERVER, ROUTER, false, "local_id: server.espgw.test, remote_id: client.espgw.test,"
                + " remote_ts: [" + CLIENT + "/32]");
    }

    /** Moves datagrams both ways through the router until both sides are quiet. */
    private void exchange() {
        boolean moved = true;
        while (moved) {
            moved = fromClient(client.ikePort, IKE_PORT) | fromClient(client.natTraversalPort, NAT_T_PORT)
                    | fromServer(server.ikePort, false) | fromServer(server.natTraversalPort, true);
        }
    }

    private boolean fromClient(EmbeddedChannel socket, int clientPort) {
        boolean moved = false;
        for (DatagramPacket datagram; (datagram = socket.readOutbound()) != null; moved = true) {
            assertEquals(SERVER, datagram.recipient().getHostString());
            int routerPort = nat.computeIfAbsent(clientPort, p -> 40000 + p);
            deliver(datagram.content(), server, new InetSocketAddress(ROUTER, routerPort), clientPort == NAT_T_PORT);
        }
        return moved;
    }

    private boolean fromServer(EmbeddedChannel socket, boolean natTraversalPort) {
        boolean moved = false;
        for (DatagramPacket datagram; (datagram = socket.readOutbound()) != null; moved = true) {
            InetSocketAddress to = datagram.recipient();
            boolean mapped = to.getHostString().equals(ROUTER) && nat.containsValue(to.getPort());
            if (!mapped) {
                lost.add(to);
                datagram.release();
                continue;
            }
            deliver(datagram.content(), client, new InetSocketAddress(SERVER, natTraversalPort ? NAT_T_PORT : IKE_PORT),
                    natTraversalPort);
        }
        return moved;
    }

    private void deliver(ByteBuf content, Side to, InetSocketAddress sender, boolean natTraversalPort) {
        if (natTraversalPort) {
            assertEquals(0, content.readInt(), "the Non-ESP Marker in front of IKE on the NAT-T port");
        }
        if (to == server) {
            fromClient.add(ByteBufUtil.getBytes(content));
        }
        to.sessions.receive(content, sender, natTraversalPort);
    }

    /** Brings the tunnel up through the router: IKE_SA_INIT from router port 40500, IKE_AUTH from 44500. */
    private void establish() {
        client.sessions.start();
        exchange();
        assertNotNull(client.peer.outbound(), "the tunnel is up");
        assertNotNull(server.peer.outbound());
    }

    @Test
    void theServerSendsIkeAndEspInUdpToThePortsTheClientsNatChose() {
        establish();
        assertEquals(List.of(), lost, "every answer went to a port the router maps");
        assertTrue(server.peer.udpEncapsulated(), "NAT detected: ESP in UDP");
        assertEquals(new InetSocketAddress(ROUTER, 44500), server.peer.udpEndpoint(), "the translated NAT-T port");
        assertEquals(new InetSocketAddress(SERVER, NAT_T_PORT), client.peer.udpEndpoint());
    }

    @Test
    void aNewMappingIsFollowedOnceAnAuthenticNewMessageComesFromItAndNotBefore() {
        establish();
        nat.clear();
        nat.put(NAT_T_PORT, 41234); // the router forgot the mapping; the client's next datagram makes a new one
        assertEquals(new InetSocketAddress(ROUTER, 44500), server.peer.udpEndpoint(), "nothing heard yet");

        now += DPD_NANOS;
        client.sessions.onTimer(); // the client's liveness check comes from the new port: the server follows
        exchange();
        assertEquals(List.of(), lost, "the answer went to the new port");
        assertEquals(new InetSocketAddress(ROUTER, 41234), server.peer.udpEndpoint(), "ESP in UDP follows");

        // Neither a replay of the client's last request (answered, §2.11) nor a forged new one moves the server.
        byte[] lastRequest = fromClient.get(fromClient.size() - 1);
        InetSocketAddress attacker = new InetSocketAddress(ROUTER, 45678);
        server.sessions.receive(Unpooled.wrappedBuffer(lastRequest.clone()), attacker, true);
        DatagramPacket answer = server.natTraversalPort.readOutbound();
        assertNotNull(answer, "a retransmitted request gets the cached response where it came from");
        assertEquals(attacker, answer.recipient());
        answer.release();
        byte[] forged = lastRequest.clone();
        ByteBuffer.wrap(forged).putInt(MESSAGE_ID_OFFSET, ByteBuffer.wrap(forged)
                .getInt(MESSAGE_ID_OFFSET) + 1); // the next request's ID, the ICV now wrong
        server.sessions.receive(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(forged), attacker, true);
        assertEquals(new InetSocketAddress(ROUTER, 41234), server.peer.udpEndpoint(), "replays move nothing");

        server.sessions.stop(); // the server's own requests go to the new port too: its Delete
        DatagramPacket delete = server.natTraversalPort.readOutbound();
        assertEquals(new InetSocketAddress(ROUTER, 41234), delete.recipient());
        delete.release();
    }

    @Test
    void theClientBehindTheNatDoesNotFollowTheServersPort() {
        establish();
        now += DPD_NANOS;
        client.sessions.onTimer();
        DatagramPacket check = client.natTraversalPort.readOutbound();
        assertNotNull(check, "the client's liveness check");
        ByteBuf request = check.content();
        assertEquals(0, request.readInt());
        server.sessions.receive(request, new InetSocketAddress(ROUTER, 44500), true);
        DatagramPacket answer = server.natTraversalPort.readOutbound();
        ByteBuf response = answer.content();
        assertEquals(0, response.readInt());
        client.sessions.receive(response, new InetSocketAddress(SERVER, 14500), true); // authentic, from elsewhere

        assertEquals(new InetSocketAddress(SERVER, NAT_T_PORT), client.peer.udpEndpoint(),
                "§2.23: an end behind a NAT keeps the peer's port");
        client.sessions.stop();
        DatagramPacket delete = client.natTraversalPort.readOutbound();
        // Sent at once, so the answer was taken as authentic (else the Delete would wait behind the check).
        assertEquals(new InetSocketAddress(SERVER, NAT_T_PORT), delete.recipient(), "and sends its IKE there");
        delete.release();
    }
}
