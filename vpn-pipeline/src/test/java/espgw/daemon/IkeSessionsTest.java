package espgw.daemon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.config.GatewayConfig;
import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.IkePayload;
import espgw.ike.message.NotifyType;
import espgw.ike.message.Proposal;
import espgw.ike.message.ProtocolId;
import espgw.ike.message.SaPayload;
import espgw.ike.message.Transform;
import espgw.ike.session.IkeInitiator;
import espgw.ike.session.IkeSessionConfig;
import espgw.ike.testing.IkeMutations;
import espgw.linux.Inet4Addresses;
import espgw.metrics.GatewayMetrics;
import espgw.metrics.IkeStatus;
import espgw.metrics.StatusReport;
import espgw.sa.SaDatabase;
import espgw.nat.Ipv4Prefix;
import espgw.sa.SaEventListener;
import espgw.sa.SaSelectors;
import espgw.sa.SecurityAssociation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
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
        final IkeSessionConfig sessionConfig;

        Side(String local, String remote, String psk, boolean initiate, String encapsulation) {
            this(local, remote, psk, initiate, encapsulation, "");
        }

        Side(String local, String remote, String psk, boolean initiate, String encapsulation, String moreYaml) {
            this.address = local;
            GatewayConfig config = UdpPeers.config(dir, "local: " + local + "/24\npeers:\n  - name: peer\n"
                    + "    address: " + remote + "\n    encapsulation: " + encapsulation + "\n"
                    + "    ike: {psk: " + psk + ", initiate: " + initiate + "}\n" + moreYaml);
            peer = new Peer(config.peers().get(0), null, null, UdpPeers.NO_TRAFFIC);
            directory = new PeerDirectory(List.of(peer));
            ChildSaInstaller installer = new ChildSaInstaller(directory, database, metrics, SaEventListener.NONE,
                    Inet4Addresses.fromInt(config.localAddress()), null, () -> now);
            InetSocketAddress localIke = new InetSocketAddress(Inet4Addresses.fromInt(config.localAddress()), 500);
            InetSocketAddress remoteIke = new InetSocketAddress(Inet4Addresses.fromInt(peer.address()), 500);
            sessionConfig = IkeSessions.sessionConfig(config.peers().get(0).ike(), localIke, remoteIke);
            IkeSession session = new IkeSession(peer, sessionConfig, new IkeTransport(ikePort, natTraversalPort),
                    installer, metrics, random, () -> now);
            sessions = new IkeSessions(List.of(session), installer, new IkeTransport(ikePort, natTraversalPort),
                    new HalfOpenLimits(config.ikeLimits(), random, () -> now, metrics), () -> now, drops);
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

    /** RFC 4301 §5.2: each end's inbound SA admits what the peer's traffic selectors allow, no more. */
    @Test
    void theInboundSasAdmitOnlyTheNegotiatedTrafficSelectors() {
        Side client = new Side(CLIENT, SERVER, PSK, true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        client.sessions.start();
        exchange(client, server);
        int clientAddress = Ipv4Prefix.parseAddress(CLIENT);
        int serverAddress = Ipv4Prefix.parseAddress(SERVER);
        int elsewhere = Ipv4Prefix.parseAddress("10.0.0.170");
        for (Side side : List.of(client, server)) {
            SaSelectors selectors = side.peer.inbound().selectors();
            int local = side == client ? clientAddress : serverAddress;
            int remote = side == client ? serverAddress : clientAddress;
            assertTrue(selectors.admits(remote, local), side.address + ": " + selectors);
            assertFalse(selectors.admits(elsewhere, local), side.address + ": a forged source");
            assertFalse(selectors.admits(remote, elsewhere), side.address + ": another destination");
            assertFalse(selectors.admits(local, local), side.address + ": its own address as source");
        }
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
        // After an hour of silence the liveness check goes first (§2.4), the CREATE_CHILD_SA once it is answered.
        assertTrue(deliver(client, server, ports), "the client's liveness check");
        assertTrue(deliver(server, client, ports), "the server's answer");
        SecurityAssociation oldClientIn = client.peer.inbound();
        assertTrue(deliver(client, server, ports), "the client's CREATE_CHILD_SA");
        assertSame(oldServerOut, server.peer.outbound(), "the client may not have the new pair yet");
        assertNotNull(server.database.inbound(client.peer.outbound().spi()), "the old pair still decrypts");

        assertTrue(deliver(server, client, ports), "the server's answer");
        SecurityAssociation newClientIn = client.peer.inbound();
        assertTrue(newClientIn != oldClientIn, "the client installed the new pair");
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
    void aNewIkeSaFromThePeerReplacesTheSasAndKeepsTheReplacedInboundOnesForAWhile() {
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        List<SecurityAssociation> inbound = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Side client = new Side(CLIENT, SERVER, PSK, true, "none"); // the client restarted each time
            client.sessions.start();
            exchange(client, server);
            assertEquals(client.peer.outbound().spi(), server.peer.inbound().spi());
            inbound.add(server.peer.inbound());
        }
        assertSame(inbound.get(2), server.database.inbound(inbound.get(2).spi()), "the previous one still decrypts");
        assertSame(server.peer, server.directory.ofInbound(inbound.get(2)));
        assertSame(inbound.get(1), server.database.inbound(inbound.get(1).spi()), "and the one before");
        assertNull(server.database.inbound(inbound.get(0).spi()), "three generations back: removed");
        assertNull(server.directory.ofInbound(inbound.get(0)));

        now += ChildSaInstaller.REPLACED_INBOUND_MAX_NANOS; // the restarted client never deletes them
        server.sessions.onTimer();
        assertNull(server.database.inbound(inbound.get(2).spi()), "replaced a minute ago: removed");
        assertNull(server.database.inbound(inbound.get(1).spi()));
        assertSame(inbound.get(3), server.database.inbound(inbound.get(3).spi()));
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
    void statusShowsTheSetupUnderWayThenTheEstablishedIkeSaAlikeOnBothEnds() {
        Side client = new Side(CLIENT, SERVER, PSK, true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        assertEquals(new IkeStatus(IkeStatus.DOWN, null, null, null, null), ike(server), "waits for the peer");
        client.sessions.start();
        assertEquals(new IkeStatus.Connecting(IkeStatus.INITIATOR, "IKE_SA_INIT", 0), ike(client).connecting());
        now += TimeUnit.SECONDS.toNanos(2);
        client.sessions.onTimer();
        assertEquals(IkeStatus.CONNECTING, ike(client).state());
        assertEquals(1, ike(client).connecting().retransmissions());
        assertTrue(deliver(client, server, new StringBuilder()));
        assertEquals(new IkeStatus.Connecting(IkeStatus.RESPONDER, "IKE_AUTH", 0), ike(server).connecting());
        assertTrue(scrape().contains("espgw_ike_sa_up{peer=\"peer\"} 0.0"), scrape());

        exchange(client, server);
        IkeStatus.Established initiator = ike(client).established();
        IkeStatus.Established responder = ike(server).established();
        assertEquals(IkeStatus.ESTABLISHED, ike(client).state());
        assertEquals(IkeStatus.INITIATOR, initiator.role());
        assertEquals(IkeStatus.RESPONDER, responder.role());
        assertEquals(List.of(CLIENT, SERVER, CLIENT + ":500", SERVER + ":500"),
                List.of(initiator.localId(), initiator.remoteId(), initiator.localEndpoint(), initiator.remoteEndpoint()));
        assertEquals(List.of(SERVER, CLIENT), List.of(responder.localId(), responder.remoteId()));
        assertTrue(initiator.initiatorSpi().matches("[0-9a-f]{16}"), initiator.initiatorSpi());
        assertEquals(List.of(initiator.initiatorSpi(), initiator.responderSpi()),
                List.of(responder.initiatorSpi(), responder.responderSpi()), "one IKE SA, seen from both ends");
        assertEquals(List.of("AES_GCM_16_256", "PRF_HMAC_SHA2_256", "CURVE25519"),
                List.of(initiator.encryption(), initiator.prf(), initiator.group()), "the first of each default");
        assertEquals(new IkeStatus.Encapsulation(false, false, false, 0, 0), initiator.encapsulation());
        // The defaults: IKE SA rekeyed after 4 h, CHILD SA after 1 h, less up to 10 % jitter.
        assertTrue(initiator.ikeRekeyInSeconds() > 12_960 && initiator.ikeRekeyInSeconds() <= 14_400, initiator::toString);
        assertTrue(initiator.childRekeyInSeconds() > 3_240 && initiator.childRekeyInSeconds() <= 3_600,
                initiator::toString);
        assertEquals(0, initiator.lastHeardSecondsAgo());
        assertNull(ike(client).lastFailure());
        assertEquals(List.of(StatusReport.Sa.ACTIVE, StatusReport.Sa.ACTIVE),
                sas(client).stream().map(StatusReport.Sa::state).toList());
        assertTrue(scrape().contains("espgw_ike_sa_up{peer=\"peer\"} 1.0"), scrape());

        now += TimeUnit.SECONDS.toNanos(20);
        IkeStatus.Established later = ike(client).established();
        assertEquals(List.of(20L, 20L), List.of(later.ageSeconds(), later.lastHeardSecondsAgo()));
        assertEquals(initiator.childRekeyInSeconds() - 20, later.childRekeyInSeconds());
    }

    @Test
    void statusOfForcedUdpEncapsulationNamesThePorts() {
        Side client = new Side(CLIENT, SERVER, PSK, true, "udp");
        Side server = new Side(SERVER, CLIENT, PSK, false, "udp");
        client.sessions.start();
        exchange(client, server);
        IkeStatus.Established initiator = ike(client).established();
        assertEquals(new IkeStatus.Encapsulation(true, false, false, 4500, 4500), initiator.encapsulation());
        assertEquals(List.of(CLIENT + ":4500", SERVER + ":4500"),
                List.of(initiator.localEndpoint(), initiator.remoteEndpoint()), "IKE moved to the NAT-T port");
    }

    @Test
    void statusAfterAWrongPskShowsAuthenticationFailedAndWhenTheInitiatorTriesAgain() {
        Side client = new Side(CLIENT, SERVER, "another-psk-of-some-length", true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        client.sessions.start();
        exchange(client, server);
        now += TimeUnit.SECONDS.toNanos(1);

        IkeStatus down = ike(client);
        assertEquals(IkeStatus.DOWN, down.state());
        assertEquals(1L, down.nextAttemptInSeconds(), "the first retry 2 s after the failure");
        assertEquals("AUTHENTICATION_FAILED", down.lastFailure().errorNotify());
        assertEquals(1, down.lastFailure().secondsAgo());
        assertEquals("AUTHENTICATION_FAILED", ike(server).lastFailure().errorNotify());
        assertNull(ike(server).nextAttemptInSeconds(), "the responder waits for the peer");
        assertFalse(down.lastFailure().reason().contains("another-psk"), down.lastFailure().reason());
        assertEquals(List.of(), sas(client));
    }

    @Test
    void statusListsThePendingPairOfThePeersRekeyThenTheReplacedInboundSa() {
        Side client = new Side(CLIENT, SERVER, PSK, true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        client.sessions.start();
        exchange(client, server);
        String oldServerIn = spi(server.peer.inbound());
        StringBuilder ports = new StringBuilder();

        now += TimeUnit.MINUTES.toNanos(61); // past the hourly CHILD rekey, whatever the jitter
        client.sessions.onTimer();
        assertEquals(0, ike(client).established().childRekeyInSeconds(), "the client's rekey is under way");
        assertEquals(3_660, ike(client).established().lastHeardSecondsAgo());
        // After an hour of silence the liveness check goes first (§2.4), the CREATE_CHILD_SA once it is answered.
        assertTrue(deliver(client, server, ports), "the client's liveness check");
        assertTrue(deliver(server, client, ports), "the server's answer");
        assertEquals(0, ike(client).established().lastHeardSecondsAgo());
        assertTrue(deliver(client, server, ports), "the client's CREATE_CHILD_SA");
        assertEquals(List.of(StatusReport.Sa.ACTIVE, StatusReport.Sa.ACTIVE, StatusReport.Sa.PENDING,
                StatusReport.Sa.PENDING), sas(server).stream().map(StatusReport.Sa::state).toList());

        assertTrue(deliver(server, client, ports), "the server's answer");
        assertTrue(deliver(client, server, ports), "the client's delete of the old pair");
        List<StatusReport.Sa> after = sas(server);
        assertEquals(List.of(StatusReport.Sa.ACTIVE, StatusReport.Sa.ACTIVE, StatusReport.Sa.REPLACED),
                after.stream().map(StatusReport.Sa::state).toList());
        assertEquals(oldServerIn, after.get(2).spi());
        assertEquals(spi(server.peer.inbound()), after.get(1).spi());
        exchange(client, server);

        now += ChildSaInstaller.REPLACED_INBOUND_GRACE_NANOS;
        server.sessions.onTimer();
        assertEquals(2, sas(server).size(), "the grace is over");
    }

    private IkeStatus ike(Side side) {
        return side.sessions.status(4500).get(side.peer).ike();
    }

    private List<StatusReport.Sa> sas(Side side) {
        return side.sessions.status(4500).get(side.peer).sas();
    }

    private static String spi(SecurityAssociation sa) {
        return StatusReport.Sa.of(sa, StatusReport.Sa.ACTIVE).spi();
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

    /** RFC 7296 §2.6: half-open SAs up to the threshold, then cookies; the real initiator returns its cookie. */
    @Test
    void aFloodOfIkeSaInitGetsCookiesFromTheThresholdOnAndTheRealInitiatorStillGetsThrough() throws Exception {
        Side client = new Side(CLIENT, SERVER, PSK, true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none",
                "ike_limits: {cookie_threshold: 3, half_open_limit: 5}\n");
        metrics.ikeHalfOpen(server.sessions::halfOpen);
        for (int port = 1; port <= 50; port++) {
            server.sessions.receive(floodRequest(client), new InetSocketAddress(CLIENT, 40_000 + port), false);
        }
        assertEquals(3, server.sessions.halfOpen(), "half-open SAs stop at the cookie threshold");
        List<IkeMessage> answers = drain(server.ikePort);
        assertEquals(50, answers.size());
        assertEquals(47, answers.stream().filter(a -> a.notify(NotifyType.COOKIE).isPresent()
                && a.header().responderSpi() == 0 && a.payloads().size() == 1).count(), "§2.6: HDR(A,0), N(COOKIE)");
        assertTrue(scrape().contains("espgw_ike_cookies_sent_total 47.0"), scrape());
        assertFalse(scrape().contains("espgw_ike_half_open_rejected_total"), "below the limit");

        client.sessions.start();
        List<String> ports = exchange(client, server);
        assertEquals(6, ports.size(), "IKE_SA_INIT, COOKIE, IKE_SA_INIT with it, its answer, IKE_AUTH both ways");
        assertNotNull(client.peer.outbound(), "the real initiator got through");
        assertEquals(client.peer.outbound().spi(), server.peer.inbound().spi());
        assertEquals(3, server.sessions.halfOpen(), "the real one completed; the flood's still wait");
        assertTrue(IkeMessage.decode(wire.get(2)).notify(NotifyType.COOKIE).isPresent(), "the retry carries it");
        assertTrue(scrape().contains("espgw_ike_half_open_sas 3.0"), scrape());

        now += TimeUnit.SECONDS.toNanos(30);
        server.sessions.onTimer();
        assertEquals(0, server.sessions.halfOpen(), "half-open SAs time out");
        assertNotNull(server.peer.inbound(), "the established SA stays");
    }

    @Test
    void atTheHalfOpenLimitNewIkeSaInitsAreDroppedUntilTheHalfOpenSasTimeOut() {
        Side client = new Side(CLIENT, SERVER, PSK, true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none",
                "ike_limits: {cookie_threshold: 2, half_open_limit: 2, half_open_timeout: 5}\n");
        for (int port = 1; port <= 10; port++) {
            server.sessions.receive(floodRequest(client), new InetSocketAddress(CLIENT, 40_000 + port), false);
        }
        assertEquals(2, server.sessions.halfOpen());
        assertEquals(2, drain(server.ikePort).size(), "the dropped ones get no answer");
        assertTrue(scrape().contains("espgw_ike_half_open_rejected_total 8.0"), scrape());
        client.sessions.start();
        exchange(client, server);
        assertNull(client.peer.outbound(), "at the limit, the real initiator waits too");

        now += TimeUnit.SECONDS.toNanos(5);
        server.sessions.onTimer();
        assertEquals(0, server.sessions.halfOpen());
        now += TimeUnit.SECONDS.toNanos(2);
        client.sessions.onTimer(); // its IKE_SA_INIT retransmitted
        exchange(client, server);
        assertNotNull(client.peer.outbound(), "once they timed out it gets through");
    }

    @Test
    void aRequestOfAnotherMajorVersionIsAnsweredWithInvalidMajorVersionAndAResponseIsNot() throws Exception {
        Side client = new Side(CLIENT, SERVER, PSK, true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        byte[] request = IkeMutations.withMajorVersion(new IkeInitiator(client.sessionConfig, random, () -> now)
                .start().get(0), 3);
        server.sessions.receive(Unpooled.wrappedBuffer(request), new InetSocketAddress(CLIENT, 40_000), true);
        DatagramPacket answer = server.natTraversalPort.readOutbound();
        assertEquals(new InetSocketAddress(CLIENT, 40_000), answer.recipient(), "where it came from");
        assertEquals(0, answer.content().readInt(), "the Non-ESP Marker on the NAT-T port");
        IkeMessage message = IkeMessage.decode(ByteBufUtil.getBytes(answer.content()));
        answer.release();
        // §1.5: SPIs, exchange and Message ID copied, the Response flag set, our version in the data.
        IkeHeader requestHeader = IkeHeader.decode(Unpooled.wrappedBuffer(IkeMutations.withMajorVersion(request, 2)));
        assertEquals(requestHeader.initiatorSpi(), message.header().initiatorSpi());
        assertEquals(requestHeader.exchangeType(), message.header().exchangeType());
        assertTrue(message.header().isResponse());
        assertArrayEquals(new byte[] {IkeHeader.VERSION_2_0},
                message.notify(NotifyType.INVALID_MAJOR_VERSION).orElseThrow().data());

        byte[] response = request.clone();
        response[19] = (byte) IkeHeader.FLAG_RESPONSE;
        server.sessions.receive(Unpooled.wrappedBuffer(response), new InetSocketAddress(CLIENT, 500), false);
        assertNull(server.ikePort.readOutbound(), "§1.5: never an answer to a response");
        assertEquals(2, server.drops.count(DropReason.IKE_MALFORMED));
        assertEquals(0, server.sessions.halfOpen());
    }

    @Test
    void anIkeSaInitWithAnUnknownCriticalPayloadIsAnsweredStatelesslyWithItsType() throws Exception {
        Side client = new Side(CLIENT, SERVER, PSK, true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        byte[] request = new IkeMutations(1).withUnknownCriticalPayload(
                new IkeInitiator(client.sessionConfig, random, () -> now).start().get(0));
        server.sessions.receive(Unpooled.wrappedBuffer(request), new InetSocketAddress(CLIENT, 500), false);
        IkeMessage answer = drain(server.ikePort).get(0);
        assertEquals(0, answer.header().responderSpi(), "no state kept");
        assertArrayEquals(new byte[] {(byte) IkeMutations.UNKNOWN_PAYLOAD_TYPE},
                answer.notify(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD).orElseThrow().data());
        assertEquals(0, server.sessions.halfOpen());
        assertEquals(1, server.drops.count(DropReason.IKE_MALFORMED));
    }

    /** §2.1 under hostile input: refused IKE_SA_INITs do not take the cached IKE_AUTH response away. */
    @Test
    void aReplayedIkeAuthGetsItsCachedResponseAlsoAfterIkeSaInitsTheResponderRefused() throws Exception {
        Side client = new Side(CLIENT, SERVER, PSK, true, "none");
        Side server = new Side(SERVER, CLIENT, PSK, false, "none");
        client.sessions.start();
        exchange(client, server);
        List<byte[]> handshake = List.copyOf(wire);
        IkeMessage init = IkeMessage.decode(handshake.get(0));
        // §3.3.2: ENCR 3 (3DES) is no transform espgw accepts.
        SaPayload unacceptable = new SaPayload(List.of(new Proposal(1, ProtocolId.IKE, new byte[0], List.of(
                Transform.of(Transform.TYPE_ENCR, 3), Transform.of(Transform.TYPE_PRF, Transform.PRF_HMAC_SHA2_256),
                Transform.of(Transform.TYPE_DH, Transform.GROUP_CURVE25519)))));
        for (long spi = 1; spi <= 5; spi++) {
            List<IkePayload> payloads = new ArrayList<>(init.payloads());
            payloads.replaceAll(p -> p instanceof SaPayload ? unacceptable : p);
            byte[] refused = new IkeMessage(IkeHeader.of(spi, 0, ExchangeType.IKE_SA_INIT, IkeHeader.FLAG_INITIATOR, 0),
                    payloads).encode();
            server.sessions.receive(Unpooled.wrappedBuffer(refused), new InetSocketAddress(CLIENT, 40_000), false);
            assertTrue(drain(server.ikePort).get(0).notify(NotifyType.NO_PROPOSAL_CHOSEN).isPresent());
        }
        server.sessions.receive(Unpooled.wrappedBuffer(handshake.get(2)), new InetSocketAddress(CLIENT, 40_001), false);
        DatagramPacket answer = server.ikePort.readOutbound();
        assertArrayEquals(handshake.get(3), ByteBufUtil.getBytes(answer.content()), "§2.1: the cached response");
        answer.release();
        assertEquals(0, server.sessions.halfOpen());
    }

    /** An IKE_SA_INIT request as the peer's espgw makes it, each with its own SPI and nonce. */
    private ByteBuf floodRequest(Side peer) {
        return Unpooled.wrappedBuffer(new IkeInitiator(peer.sessionConfig, random, () -> now).start().get(0));
    }

    private static List<IkeMessage> drain(EmbeddedChannel channel) {
        List<IkeMessage> messages = new ArrayList<>();
        for (DatagramPacket datagram; (datagram = channel.readOutbound()) != null; ) {
            try {
                messages.add(IkeMessage.decode(ByteBufUtil.getBytes(datagram.content())));
            } catch (IkeProtocolException e) {
                throw new AssertionError(e);
            } finally {
                datagram.release();
            }
        }
        return messages;
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
