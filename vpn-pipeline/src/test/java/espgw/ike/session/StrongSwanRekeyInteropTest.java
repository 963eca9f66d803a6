package espgw.ike.session;

import static espgw.linux.host.BlockingIo.THREAD_PER_TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.crypto.Prf;
import espgw.ike.message.IdPayload;
import espgw.ike.message.TrafficSelector;
import espgw.ike.testing.CharonExchange;
import espgw.ike.testing.StrongSwan;
import espgw.ike.testing.SwanctlConnection;
import espgw.ike.testing.SwanctlSas;
import espgw.testing.LeakCheckExtension;
import espgw.testing.NetnsLab;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An established espgw IKE SA against a live strongSwan charon (namespaces prefixed
 * {@code ikerekey}), PSK. With espgw as the original initiator: CHILD SA rekeys with PFS and IKE SA
 * rekeys made by either end, a liveness check and espgw's delete of the IKE SA. With espgw as the
 * original responder: charon's liveness checks, a PFS group other than the IKE SA's, and charon's
 * delete. PFS in CHILD SA rekeys by either end as charon's and espgw's ESP proposals say: none,
 * required, optional, and both ways refused when one end requires it and the other has none. After each step charon must list exactly the SAs espgw has, by SPI. Only IKE
 * runs (no ESP data path).
 */
@ExtendWith(LeakCheckExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class StrongSwanRekeyInteropTest {
    private static final String ESPGW_OUTER = "192.0.2.1";
    private static final String CHARON_OUTER = "192.0.2.2";
    private static final String ESPGW_ID = "espgw.espgw.test";
    private static final String CHARON_ID = "charon.espgw.test";
    private static final String PSK = "espgw-rekey-interop-psk";
    private static final TrafficSelector ESPGW_NET = TrafficSelector.ipv4Prefix(0xc6336401, 32);
    private static final TrafficSelector CHARON_NET = TrafficSelector.ipv4Prefix(0xc6336402, 32);
    private static final long FIRST_MESSAGE_MILLIS = 20_000;
    private static final long QUIET_MILLIS = 1_500;
    private static final long MAX_PUMP_MILLIS = 30_000;
    private static final List<IkeEncryption> AES128 = List.of(IkeEncryption.AES_GCM_16_128);

    @TempDir
    Path dir;

    @Test
    void rekeysByEitherEndLivenessAndDeleteAgreeWithCharon() throws Exception {
        StrongSwan.requireInstalled();
        try (NetnsLab lab = new NetnsLab("ikerekey")) {
            String espgwNs = lab.namespace("espgw");
            String charonNs = lab.namespace("charon");
            lab.veth(espgwNs, "e0", ESPGW_OUTER + "/24", charonNs, "c0", CHARON_OUTER + "/24");
            lab.exec(charonNs, "ip", "addr", "add", "198.51.100.2/32", "dev", "lo");
            try (StrongSwan charon = StrongSwan.start(lab, charonNs, dir.resolve("charon"), Map.of());
                    IkeUdpEndpoint udp = new IkeUdpEndpoint(espgwNs, InetAddress.getByName(ESPGW_OUTER))) {
                charon.load(SwanctlConnection.builder("espgw")
                        .local(CHARON_OUTER, CHARON_ID).remote(ESPGW_OUTER, ESPGW_ID)
                        .trafficSelectors("198.51.100.2/32", "198.51.100.1/32")
                        .authentication(new SwanctlConnection.Psk(PSK))
                        .proposals("aes128gcm16-prfsha256-x25519", "aes128gcm16-x25519").build());
                IkeInitiator initiator = new IkeInitiator(config(true), new SecureRandom(), System::nanoTime);
                Link link = new Link(initiator::receive, () -> initiator.natStatus().natDetected(), udp, charon);
                link.pump(initiator.start(), FIRST_MESSAGE_MILLIS);
                assertEquals(IkeState.ESTABLISHED, initiator.state(), () -> initiator.failure() + charon.logTail(30));
                IkeSa ikeSa = initiator.ikeSa().orElseThrow();
                link.assertCharonAgrees(ikeSa);

                link.pump(ikeSa.rekeyChild(), FIRST_MESSAGE_MILLIS);
                assertReplaced(ikeSa.pollEvents());
                link.assertCharonAgrees(ikeSa);

                link.charonDoes("--rekey", "--child", "espgw");
                assertReplaced(ikeSa.pollEvents());
                link.assertCharonAgrees(ikeSa);

                long firstSpi = ikeSa.initiatorSpi();
                link.pump(ikeSa.rekeyIke(), FIRST_MESSAGE_MILLIS);
                assertInstanceOf(IkeEvent.IkeSaRekeyed.class, ikeSa.pollEvents().get(0));
                assertTrue(firstSpi != ikeSa.initiatorSpi());
                link.assertCharonAgrees(ikeSa);

                link.charonDoes("--rekey", "--ike", "espgw");
                assertInstanceOf(IkeEvent.IkeSaRekeyed.class, ikeSa.pollEvents().get(0));
                link.assertCharonAgrees(ikeSa);

                link.pump(ikeSa.rekeyChild(), FIRST_MESSAGE_MILLIS);
                assertReplaced(ikeSa.pollEvents());
                link.assertCharonAgrees(ikeSa);

                link.pump(ikeSa.checkLiveness(), FIRST_MESSAGE_MILLIS);
                assertTrue(ikeSa.pollEvents().isEmpty());
                assertEquals(IkeState.ESTABLISHED, initiator.state());

                link.pump(ikeSa.deleteIke(), FIRST_MESSAGE_MILLIS);
                List<IkeEvent> events = ikeSa.pollEvents();
                assertEquals(new IkeEvent.IkeSaDeleted(false), events.get(events.size() - 1), events.toString());
                assertTrue(charon.listSas().isEmpty(), charon.listSas().toString());
            }
        }
    }

    @Test
    void asResponderEspgwAnswersCharonsDpdRekeysInCharonsPfsGroupAndSeesCharonsDelete() throws Exception {
        StrongSwan.requireInstalled();
        try (NetnsLab lab = new NetnsLab("ikerekey")) {
            String espgwNs = lab.namespace("espgw");
            String charonNs = lab.namespace("charon");
            lab.veth(espgwNs, "e0", ESPGW_OUTER + "/24", charonNs, "c0", CHARON_OUTER + "/24");
            lab.exec(charonNs, "ip", "addr", "add", "198.51.100.2/32", "dev", "lo");
            try (StrongSwan charon = StrongSwan.start(lab, charonNs, dir.resolve("charon"), Map.of());
                    IkeUdpEndpoint udp = new IkeUdpEndpoint(espgwNs, InetAddress.getByName(ESPGW_OUTER))) {
                // PFS in ECP-256 on an X25519 IKE SA: our X25519 KE earns an INVALID_KE_PAYLOAD first.
                charon.load(SwanctlConnection.builder("espgw")
                        .local(CHARON_OUTER, CHARON_ID).remote(ESPGW_OUTER, ESPGW_ID)
                        .trafficSelectors("198.51.100.2/32", "198.51.100.1/32")
                        .authentication(new SwanctlConnection.Psk(PSK)).dpdDelay(Duration.ofSeconds(2))
                        .proposals("aes128gcm16-prfsha256-x25519", "aes128gcm16-ecp256").build());
                IkeResponder responder = new IkeResponder(config(false), new SecureRandom(), System::nanoTime);
                Link link = new Link(responder::receive, () -> responder.natStatus().natDetected(), udp, charon);
                link.charonDoes("--initiate", "--child", "espgw", "--timeout", "20");
                assertEquals(IkeState.ESTABLISHED, responder.state(), () -> responder.failure() + charon.logTail(30));
                IkeSa ikeSa = responder.ikeSa().orElseThrow();
                link.assertCharonAgrees(ikeSa);

                // charon checks liveness after two seconds of silence.
                assertTrue(link.pump(List.of(), 5_000) > 0, "charon's liveness check");
                assertEquals(IkeState.ESTABLISHED, responder.state());

                link.pump(ikeSa.rekeyChild(), FIRST_MESSAGE_MILLIS);
                assertReplaced(ikeSa.pollEvents());
                link.assertCharonAgrees(ikeSa);
                assertEquals("CURVE_25519", charon.listSas().get(0).get("dh-group"));
                assertTrue(charon.listSas().get(0).children().stream()
                        .anyMatch(c -> "ECP_256".equals(c.get("dh-group"))), charon.listSas().toString());

                link.charonDoes("--rekey", "--child", "espgw");
                assertReplaced(ikeSa.pollEvents());
                link.assertCharonAgrees(ikeSa);

                link.pump(ikeSa.rekeyIke(), FIRST_MESSAGE_MILLIS);
                assertInstanceOf(IkeEvent.IkeSaRekeyed.class, ikeSa.pollEvents().get(0));
                link.assertCharonAgrees(ikeSa);

                link.charonDoes("--terminate", "--ike", "espgw", "--timeout", "20");
                List<IkeEvent> events = ikeSa.pollEvents();
                assertEquals(new IkeEvent.IkeSaDeleted(true), events.get(events.size() - 1), events.toString());
                assertEquals(IkeState.FAILED, responder.state());
            }
        }
    }

    static Stream<Arguments> pfsConfigurations() {
        EspAlgorithms noPfs = new EspAlgorithms(AES128, List.of(false));
        EspAlgorithms x25519 = new EspAlgorithms(AES128, List.of(false), List.of(KeyExchangeGroup.CURVE25519), false);
        return Stream.of(
                // espgw's default offers PFS with NONE as well: charon chooses NONE and ignores our KE.
                Arguments.of(true, "aes128gcm16", EspAlgorithms.defaults(), null),
                Arguments.of(true, "aes128gcm16", noPfs, null),
                Arguments.of(true, "aes128gcm16-x25519", x25519, "CURVE_25519"),
                Arguments.of(true, "aes128gcm16-x25519", EspAlgorithms.defaults(), "CURVE_25519"),
                Arguments.of(false, "aes128gcm16", EspAlgorithms.defaults(), null),
                Arguments.of(false, "aes128gcm16-x25519", x25519, "CURVE_25519"));
    }

    @ParameterizedTest(name = "espgw initiates: {0}, charon esp_proposals = {1}, espgw {2}")
    @MethodSource("pfsConfigurations")
    void childRekeysByEitherEndUsePfsExactlyAsBothProposalsAllow(boolean espgwInitiates, String charonEsp,
            EspAlgorithms espgwEsp, String pfsGroup) throws Exception {
        StrongSwan.requireInstalled();
        try (NetnsLab lab = new NetnsLab("ikepfs")) {
            String espgwNs = lab.namespace("espgw");
            String charonNs = lab.namespace("charon");
            lab.veth(espgwNs, "e0", ESPGW_OUTER + "/24", charonNs, "c0", CHARON_OUTER + "/24");
            lab.exec(charonNs, "ip", "addr", "add", "198.51.100.2/32", "dev", "lo");
            try (StrongSwan charon = StrongSwan.start(lab, charonNs, dir.resolve("charon"), Map.of());
                    IkeUdpEndpoint udp = new IkeUdpEndpoint(espgwNs, InetAddress.getByName(ESPGW_OUTER))) {
                charon.load(SwanctlConnection.builder("espgw")
                        .local(CHARON_OUTER, CHARON_ID).remote(ESPGW_OUTER, ESPGW_ID)
                        .trafficSelectors("198.51.100.2/32", "198.51.100.1/32")
                        .authentication(new SwanctlConnection.Psk(PSK))
                        .proposals("aes128gcm16-prfsha256-x25519", charonEsp).build());
                IkeSessionConfig config = config(espgwInitiates);
                config = config.withAlgorithms(config.ike(), espgwEsp);
                IkeSa ikeSa;
                Link link;
                if (espgwInitiates) {
                    IkeInitiator initiator = new IkeInitiator(config, new SecureRandom(), System::nanoTime);
                    link = new Link(initiator::receive, () -> initiator.natStatus().natDetected(), udp, charon);
                    link.pump(initiator.start(), FIRST_MESSAGE_MILLIS);
                    ikeSa = initiator.ikeSa().orElseThrow(() -> new AssertionError(initiator.failure()
                            + charon.logTail(30)));
                } else {
                    IkeResponder responder = new IkeResponder(config, new SecureRandom(), System::nanoTime);
                    link = new Link(responder::receive, () -> responder.natStatus().natDetected(), udp, charon);
                    link.charonDoes("--initiate", "--child", "espgw", "--timeout", "20");
                    ikeSa = responder.ikeSa().orElseThrow(() -> new AssertionError(responder.failure()
                            + charon.logTail(30)));
                }
                link.assertCharonAgrees(ikeSa);
                boolean espgwOffersPfs = !espgwEsp.groups().isEmpty();

                link.pump(ikeSa.rekeyChild(), FIRST_MESSAGE_MILLIS);
                assertReplaced(ikeSa.pollEvents());
                link.assertCharonAgrees(ikeSa);
                CharonExchange ours = lastChildRekey(charon, false);
                assertEquals(espgwOffersPfs, ours.request().contains("KE"), ours.toString());
                assertEquals(pfsGroup != null, ours.response().contains("KE"), ours.toString());
                assertPfs(pfsGroup, ikeSa, charon);

                link.charonDoes("--rekey", "--child", "espgw");
                assertReplaced(ikeSa.pollEvents());
                link.assertCharonAgrees(ikeSa);
                CharonExchange theirs = lastChildRekey(charon, true);
                assertEquals(pfsGroup != null, theirs.request().contains("KE") && theirs.response().contains("KE"),
                        theirs.toString());
                assertPfs(pfsGroup, ikeSa, charon);
            }
        }
    }

    @Test
    void pfsRequiredByCharonAndRefusedByEspgwFailsEitherRekeyAsBetweenTwoCharonsAndKeepsThePair() throws Exception {
        StrongSwan.requireInstalled();
        try (NetnsLab lab = new NetnsLab("ikepfs")) {
            String espgwNs = lab.namespace("espgw");
            String charonNs = lab.namespace("charon");
            lab.veth(espgwNs, "e0", ESPGW_OUTER + "/24", charonNs, "c0", CHARON_OUTER + "/24");
            lab.exec(charonNs, "ip", "addr", "add", "198.51.100.2/32", "dev", "lo");
            try (StrongSwan charon = StrongSwan.start(lab, charonNs, dir.resolve("charon"), Map.of());
                    IkeUdpEndpoint udp = new IkeUdpEndpoint(espgwNs, InetAddress.getByName(ESPGW_OUTER))) {
                charon.load(SwanctlConnection.builder("espgw")
                        .local(CHARON_OUTER, CHARON_ID).remote(ESPGW_OUTER, ESPGW_ID)
                        .trafficSelectors("198.51.100.2/32", "198.51.100.1/32")
                        .authentication(new SwanctlConnection.Psk(PSK))
                        .proposals("aes128gcm16-prfsha256-x25519", "aes128gcm16-x25519").build());
                IkeSessionConfig config = config(true);
                config = config.withAlgorithms(config.ike(), new EspAlgorithms(AES128, List.of(false)));
                IkeInitiator initiator = new IkeInitiator(config, new SecureRandom(), System::nanoTime);
                Link link = new Link(initiator::receive, () -> initiator.natStatus().natDetected(), udp, charon);
                link.pump(initiator.start(), FIRST_MESSAGE_MILLIS);
                IkeSa ikeSa = initiator.ikeSa().orElseThrow(() -> new AssertionError(charon.logTail(30)));
                link.assertCharonAgrees(ikeSa);

                link.pump(ikeSa.rekeyChild(), FIRST_MESSAGE_MILLIS);
                assertEquals(List.of(new IkeEvent.ChildSaRekeyRefused("NO_PROPOSAL_CHOSEN", IkeSa.REKEY_RETRY)),
                        ikeSa.pollEvents());
                link.assertCharonAgrees(ikeSa);

                link.charonDoes("--rekey", "--child", "espgw");
                assertTrue(ikeSa.pollEvents().isEmpty());
                link.assertCharonAgrees(ikeSa);
                List<CharonExchange> rekeys = CharonExchange.read(charon.log()).stream()
                        .filter(CharonExchange::childRekey).toList();
                assertEquals(2, rekeys.size(), rekeys.toString());
                for (CharonExchange rekey : rekeys) {
                    assertEquals(List.of("N(NO_PROP)"), rekey.response(), rekey.toString());
                }
            }
        }
    }

    private static CharonExchange lastChildRekey(StrongSwan charon, boolean byCharon) throws IOException {
        List<CharonExchange> rekeys = CharonExchange.read(charon.log()).stream()
                .filter(e -> e.childRekey() && e.byCharon() == byCharon).toList();
        assertFalse(rekeys.isEmpty(), () -> charon.logTail(40));
        CharonExchange last = rekeys.get(rekeys.size() - 1);
        assertTrue(last.accepted(), last.toString());
        return last;
    }

    /** Both ends' CHILD SA in force has PFS in this group (charon's name), or none if null. */
    private static void assertPfs(String group, IkeSa ours, StrongSwan charon) {
        assertEquals(Optional.ofNullable(group), ours.childSas().get(0).pfs().map(g -> switch (g) {
            case CURVE25519 -> "CURVE_25519";
            case ECP_256 -> "ECP_256";
        }));
        List<SwanctlSas.ChildSa> installed = charon.listSas().get(0).children().stream()
                .filter(c -> c.state().equals("INSTALLED")).toList();
        assertEquals(1, installed.size(), installed.toString());
        assertEquals(group, installed.get(0).get("dh-group"), installed.toString());
    }

    private static void assertReplaced(List<IkeEvent> events) {
        assertEquals(2, events.size(), events.toString());
        assertInstanceOf(IkeEvent.ChildSaInstalled.class, events.get(0));
        assertInstanceOf(IkeEvent.ChildSaRemoved.class, events.get(1));
    }

    /** espgw's IKE end on the wire: everything it sends goes to charon, every answer back to it. */
    private record Link(Function<byte[], List<byte[]>> espgw, BooleanSupplier natTraversal, IkeUdpEndpoint udp,
            StrongSwan charon) {
        /**
         * Sends, then answers until charon has been quiet for a moment (or never spoke in
         * {@code firstMillis}); never longer than {@link #MAX_PUMP_MILLIS}, as charon's liveness
         * checks could keep it talking. Returns how many requests charon made.
         */
        int pump(List<byte[]> toSend, long firstMillis) throws IOException {
            send(toSend);
            int requests = 0;
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_PUMP_MILLIS);
            long timeout = firstMillis;
            IkeUdpEndpoint.Received received;
            while (System.nanoTime() - deadline < 0 && (received = udp.receive(timeout)) != null) {
                // §3.1: the Flags octet (offset 19) has the Response bit 0x20.
                requests += (received.message()[19] & 0x20) == 0 ? 1 : 0;
                send(espgw.apply(received.message()));
                timeout = QUIET_MILLIS;
            }
            return requests;
        }

        /** A swanctl command that makes charon start an exchange with espgw, answered meanwhile. */
        void charonDoes(String... command) throws Exception {
            CompletableFuture<String> done = CompletableFuture.supplyAsync(() -> charon.swanctl(command),
                    THREAD_PER_TASK);
            pump(List.of(), FIRST_MESSAGE_MILLIS);
            done.get(FIRST_MESSAGE_MILLIS, TimeUnit.MILLISECONDS);
        }

        private void send(List<byte[]> datagrams) throws IOException {
            for (byte[] datagram : datagrams) {
                udp.send(datagram, InetAddress.getByName(CHARON_OUTER), natTraversal.getAsBoolean());
            }
        }

        void assertCharonAgrees(IkeSa ours) {
            List<SwanctlSas.IkeSa> sas = charon.listSas();
            assertEquals(1, sas.size(), sas.toString());
            SwanctlSas.IkeSa theirs = sas.get(0);
            assertEquals("ESTABLISHED", theirs.state(), theirs.toString());
            List<String> spis = new ArrayList<>(List.of(theirs.get("initiator-spi"), theirs.get("responder-spi")));
            assertEquals(List.of(String.format("%016x", ours.initiatorSpi()), String.format("%016x",
                    ours.responderSpi())), spis, () -> theirs + "\n" + charon.logTail(40));
            assertEquals(1, ours.childSas().size(), ours.childSas().toString());
            // charon lists a deleted CHILD SA for a moment after the delete exchange.
            List<SwanctlSas.ChildSa> live = theirs.children().stream().filter(c -> !c.state().equals("DELETED"))
                    .toList();
            assertEquals(1, live.size(), theirs.children().toString());
            NegotiatedChildSa child = ours.childSas().get(0);
            SwanctlSas.ChildSa theirChild = live.get(0);
            assertEquals("INSTALLED", theirChild.state(), theirChild.toString());
            assertEquals(String.format("%08x", child.inboundSpi()), theirChild.get("spi-out"), theirChild.toString());
            assertEquals(String.format("%08x", child.outboundSpi()), theirChild.get("spi-in"), theirChild.toString());
        }
    }

    private static IkeSessionConfig config(boolean initiator) {
        IkeAlgorithms ike = new IkeAlgorithms(List.of(IkeEncryption.values()), List.of(Prf.values()),
                List.of(KeyExchangeGroup.values()));
        IkeLifetimes noTimers = new IkeLifetimes(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);
        return new IkeSessionConfig(IdPayload.fqdn(initiator, ESPGW_ID), IdPayload.fqdn(!initiator, CHARON_ID),
                PSK.getBytes(StandardCharsets.US_ASCII), ike, EspAlgorithms.defaults(), List.of(ESPGW_NET),
                List.of(CHARON_NET), new InetSocketAddress(ESPGW_OUTER, IkeUdpEndpoint.IKE_PORT),
                new InetSocketAddress(CHARON_OUTER, IkeUdpEndpoint.IKE_PORT)).withLifetimes(noTimers);
    }
}
