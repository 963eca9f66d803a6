package espgw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.config.GatewayConfig;
import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import espgw.metrics.GatewayMetrics;
import espgw.sa.SaDatabase;
import espgw.sa.SaEventListener;
import espgw.sa.SecurityAssociation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateways' IKE sessions back to back in memory: their sockets are EmbeddedChannels, whose
 * written datagrams are handed to the other side as the UDP sockets would. Checks the port each
 * message uses, what gets installed, and failures with retries on a hand-driven clock.
 */
class IkeSessionsTest {
    private static final String CLIENT = "10.0.0.161";
    private static final String SERVER = "10.0.0.160";
    private static final String PSK = "sessions-test-psk-not-secret";

    @TempDir
    Path dir;
    private long now;
    /** Every IKE message delivered, without the marker, in order. */
    private final List<byte[]> wire = new ArrayList<>();
    private final SecureRandom random = new SecureRandom();
    private final GatewayMetrics metrics = new GatewayMetrics(() -> true);

    @AfterEach
    void closeMetrics() {
        metrics.close();
    }

    /** One gateway with one IKE peer: its sockets, sessions and what they install into. */
    private final class Side {
        final String address;
        final EmbeddedChannel ikePort = new EmbeddedChannel();
        final EmbeddedChannel natTraversalPort = new EmbeddedChannel();
        final CountingDropRecorder drops = new CountingDropRecorder();
        final SaDatabase database = new SaDatabase();
        final Peer peer;
        final PeerDirectory directory;
        final IkeSessions sessions;

        Side(String local, String remote, String psk, boolean initiate, String encapsulation) {
            this.address = local;
            GatewayConfig config = UdpPeers.config(dir, "local: " + local + "/24\npeers:\n  - name: peer\n"
                    + "    address: " + remote + "\n    encapsulation: " + encapsulation + "\n"
                    + "    ike: {psk: " + psk + ", initiate: " + initiate + "}\n");
            peer = new Peer(config.peers().get(0), null, null, UdpPeers.NO_TRAFFIC);
            directory = new PeerDirectory(List.of(peer));
            ChildSaInstaller installer = new ChildSaInstaller(directory, database, metrics, SaEventListener.NONE,
                    Gateway.inet(config.localAddress()), null, () -> now);
            InetSocketAddress localIke = new InetSocketAddress(Gateway.inet(config.localAddress()), 500);
            InetSocketAddress remoteIke = new InetSocketAddress(Gateway.inet(peer.address()), 500);
            IkeSession session = new IkeSession(peer, IkeSessions.sessionConfig(config.peers().get(0).ike(),
                    localIke, remoteIke), new IkeTransport(ikePort, natTraversalPort), installer, metrics, random,
                    () -> now);
            sessions = new IkeSessions(List.of(session), installer, drops);
        }
    }

    /** Moves datagrams between the two sides until both are quiet; returns "500"/"4500" per message, in order. */
    private List<String> exchange(Side a, Side b) {
        StringBuilder ports = new StringBuilder();
        boolean moved = true;
        while (moved) {
            moved = deliver(a, b, ports) | deliver(b, a, ports);
        }
        return ports.isEmpty() ? List.of() : List.of(ports.toString().trim().split(" "));
    }

    private boolean deliver(Side from, Side to, StringBuilder ports) {
        boolean moved = false;
        for (DatagramPacket datagram; (datagram = from.ikePort.readOutbound()) != null; moved = true) {
            ports.append("500 ");
            wire.add(ByteBufUtil.getBytes(datagram.content()));
            to.sessions.receive(datagram.content(), new InetSocketAddress(from.address, 500), false);
        }
        for (DatagramPacket datagram; (datagram = from.natTraversalPort.readOutbound()) != null; moved = true) {
            ByteBuf content = datagram.content();
            assertEquals(0, content.readInt(), "the Non-ESP Marker in front of IKE on the NAT-T port");
            ports.append("4500 ");
            wire.add(ByteBufUtil.getBytes(content));
            to.sessions.receive(content, new InetSocketAddress(from.address, 4500), true);
        }
        return moved;
    }

    @Test
    void initiatorAndResponderInstallMatchingSasOnPort500WithBareEsp() {
        Side client = new Side(CLIENT, SERVER, PSK, true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        assertNull(client.peer.outbound(), "no SA before IKE");
        client.sessions.start();
        server.sessions.start();

        assertEquals(List.of("500", "500", "500", "500"), exchange(client, server));
        assertNotNull(client.peer.outbound());
        assertEquals(client.peer.outbound().spi(), server.peer.inbound().spi());
        assertEquals(server.peer.outbound().spi(), client.peer.inbound().spi());
        assertSame(server.peer.inbound(), server.database.inbound(server.peer.inbound().spi()), "found by SPI");
        assertSame(server.peer, server.directory.ofInbound(server.peer.inbound()));
        assertSame(client.peer.outbound(), client.database.outbound(client.peer.address()));
        assertFalse(client.peer.udpEncapsulated());
        assertFalse(server.peer.udpEncapsulated());
        assertTrue(scrape().contains("espgw_ike_sa_established_total{peer=\"peer\"} 2.0"), scrape());
    }

    @Test
    void whenBothEndsInitiateEachOutboundSaStillHasAnInboundSaAtThePeer() {
        Side client = new Side(CLIENT, SERVER, PSK, true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, true, "none");
        client.sessions.start();
        server.sessions.start();
        exchange(client, server);
        assertNotNull(server.database.inbound(client.peer.outbound().spi()), "client → server decrypts");
        assertNotNull(client.database.inbound(server.peer.outbound().spi()), "server → client decrypts");
    }

    @Test
    void aStoppingGatewayDeletesItsIkeSaAndTheInitiatorSetsUpANewOneAfterTheRetryWait() {
        Side client = new Side(CLIENT, SERVER, PSK, true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        client.sessions.start();
        exchange(client, server);

        server.sessions.stop();
        assertEquals(List.of("500", "500"), exchange(client, server), "the Delete and its answer");
        assertNull(client.peer.outbound(), "the client dropped its SAs");
        assertNull(client.database.inbound(server.peer.outbound().spi()));

        now += IkeSession.FIRST_RETRY_NANOS;
        client.sessions.onTimer();
        assertEquals(List.of("500", "500", "500", "500"), exchange(client, server), "a new IKE SA");
        assertEquals(client.peer.outbound().spi(), server.peer.inbound().spi());
    }

    @Test
    void childSasAreRekeyedByTheEstablishedIkeSaAndTheOldPairGoes() {
        Side client = new Side(CLIENT, SERVER, PSK, true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        client.sessions.start();
        exchange(client, server);
        SecurityAssociation oldOut = client.peer.outbound();
        SecurityAssociation oldServerIn = server.peer.inbound();

        now += TimeUnit.MINUTES.toNanos(61); // past the hourly CHILD rekey, whatever the jitter
        client.sessions.onTimer();
        server.sessions.onTimer();
        exchange(client, server);

        assertTrue(client.peer.outbound() != oldOut, "a new outbound SA");
        assertEquals(client.peer.outbound().spi(), server.peer.inbound().spi());
        assertEquals(server.peer.outbound().spi(), client.peer.inbound().spi());
        assertSame(server.peer.inbound(), server.database.inbound(server.peer.inbound().spi()));
        assertSame(oldServerIn, server.database.inbound(oldServerIn.spi()), "packets on their way still decrypt");

        now += ChildSaInstaller.REPLACED_INBOUND_GRACE_NANOS;
        server.sessions.onTimer();
        assertNull(server.database.inbound(oldServerIn.spi()), "the old pair deleted (§1.3.3), its grace over");
        assertNull(server.directory.ofInbound(oldServerIn));
    }

    @Test
    void theResponderOfARekeySendsUnderTheNewPairOnlyOnceTheInitiatorDeletedTheOldOne() {
        Side client = new Side(CLIENT, SERVER, PSK, true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        client.sessions.start();
        exchange(client, server);
        SecurityAssociation oldServerOut = server.peer.outbound();
        StringBuilder ports = new StringBuilder();

        now += TimeUnit.MINUTES.toNanos(61); // past the hourly CHILD rekey, whatever the jitter
        client.sessions.onTimer();
        assertTrue(deliver(client, server, ports), "the client's CREATE_CHILD_SA");
        assertSame(oldServerOut, server.peer.outbound(), "the client may not have the new pair yet");
        assertNotNull(server.database.inbound(client.peer.outbound().spi()), "the old pair still decrypts");

        assertTrue(deliver(server, client, ports), "the server's answer");
        SecurityAssociation newClientIn = client.peer.inbound();
        assertNotNull(server.database.inbound(client.peer.outbound().spi()), "the new pair decrypts at once");
        assertSame(oldServerOut, server.peer.outbound(), "the client's delete has not arrived");

        assertTrue(deliver(client, server, ports), "the client's delete of the old pair");
        assertEquals(newClientIn.spi(), server.peer.outbound().spi());
        assertSame(server.peer.outbound(), server.database.outbound(server.peer.address()));
        exchange(client, server);
    }

    @Test
    void forcedUdpEncapsulationMovesIkeAuthToTheNatTraversalPort() {
        Side client = new Side(CLIENT, SERVER, PSK, true, "udp");
        Side server = new Side(SERVER, CLIENT, PSK, false, "udp");
        client.sessions.start();

        assertEquals(List.of("500", "500", "4500", "4500"), exchange(client, server));
        assertTrue(client.peer.udpEncapsulated());
        assertTrue(server.peer.udpEncapsulated());
        assertEquals(new InetSocketAddress(SERVER, 4500), client.peer.udpEndpoint());
    }

    @Test
    void aNewIkeSaFromThePeerReplacesTheSasAndKeepsThePreviousInboundOneGeneration() {
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        List<SecurityAssociation> inbound = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Side client = new Side(CLIENT, SERVER, PSK, true, "none"); // the client restarted each time
            client.sessions.start();
            exchange(client, server);
            assertEquals(client.peer.outbound().spi(), server.peer.inbound().spi());
            inbound.add(server.peer.inbound());
        }
        assertSame(inbound.get(1), server.database.inbound(inbound.get(1).spi()), "the previous one still decrypts");
        assertSame(server.peer, server.directory.ofInbound(inbound.get(1)));
        assertNull(server.database.inbound(inbound.get(0).spi()), "two generations back: removed");
        assertNull(server.directory.ofInbound(inbound.get(0)));
    }

    @Test
    void wrongPskFailsOnBothSidesWithAuthenticationFailedAndTheInitiatorRetriesAfterBackOff() {
        Side client = new Side(CLIENT, SERVER, "another-psk-of-some-length", true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        client.sessions.start();
        exchange(client, server);
        assertNull(client.peer.outbound());
        assertNull(server.peer.outbound());
        String metricsText = scrape();
        assertTrue(metricsText.contains("espgw_ike_failures_total{notify=\"AUTHENTICATION_FAILED\",peer=\"peer\"} 2.0"),
                metricsText);

        now += TimeUnit.SECONDS.toNanos(1);
        client.sessions.onTimer();
        assertNull(client.ikePort.readOutbound(), "not before the back-off");
        now += TimeUnit.SECONDS.toNanos(1);
        client.sessions.onTimer();
        DatagramPacket retry = client.ikePort.readOutbound();
        assertNotNull(retry, "a new IKE_SA_INIT after 2 s");
        retry.release();
    }

    @Test
    void messagesFromAnAddressThatIsNoIkePeerAreCountedAndReleased() {
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        ByteBuf message = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(new byte[40]);
        server.sessions.receive(message, new InetSocketAddress("10.0.0.99", 500), false);
        assertEquals(0, message.refCnt());
        assertEquals(1, server.drops.count(DropReason.IKE_UNKNOWN_PEER));

        ByteBuf garbage = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(new byte[] {1, 2, 3});
        server.sessions.receive(garbage, new InetSocketAddress(CLIENT, 500), false);
        assertEquals(0, garbage.refCnt());
        assertEquals(1, server.drops.count(DropReason.IKE_MALFORMED));
        assertNull(server.ikePort.readOutbound(), "no answer to garbage");
    }

    @Test
    void mangledAndReplayedMessagesLeaveEstablishedSasUntouched() {
        Side client = new Side(CLIENT, SERVER, PSK, true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        client.sessions.start();
        exchange(client, server);
        List<SecurityAssociation> before = List.of(client.peer.outbound(), client.peer.inbound(),
                server.peer.outbound(), server.peer.inbound());
        List<byte[]> recorded = List.copyOf(wire);
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            byte[] message = recorded.get(random.nextInt(recorded.size())).clone();
            byte[] mangled = switch (i % 4) {
                case 0 -> message; // a replay
                case 1 -> Arrays.copyOf(message, random.nextInt(message.length)); // truncated
                case 2 -> { // flipped bits, in the header or the body
                    message[random.nextInt(message.length)] ^= (byte) (1 << random.nextInt(8));
                    yield message;
                }
                default -> { // a wrong length field or trailing garbage
                    byte[] longer = Arrays.copyOf(message, message.length + 1 + random.nextInt(64));
                    random.nextBytes(longer);
                    System.arraycopy(message, 0, longer, 0, Math.min(message.length, 24));
                    yield longer;
                }
            };
            Side to = i % 2 == 0 ? server : client;
            Side from = to == server ? client : server;
            to.sessions.receive(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(mangled),
                    new InetSocketAddress(from.address, 500), random.nextBoolean());
            releaseAll(to.ikePort);
            releaseAll(to.natTraversalPort);
        }
        assertEquals(before, List.of(client.peer.outbound(), client.peer.inbound(), server.peer.outbound(),
                server.peer.inbound()), "the SAs in force are still the same objects");
    }

    private static void releaseAll(EmbeddedChannel channel) {
        for (DatagramPacket datagram; (datagram = channel.readOutbound()) != null; ) {
            datagram.release();
        }
    }

    private String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            metrics.scrape(out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
