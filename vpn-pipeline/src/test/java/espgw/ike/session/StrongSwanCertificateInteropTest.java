package espgw.ike.session;

import static espgw.linux.host.BlockingIo.THREAD_PER_TASK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.auth.CertificateChainValidator;
import espgw.ike.auth.CertificateIssuer;
import espgw.ike.auth.IkeIdentity;
import espgw.ike.auth.Keys;
import espgw.ike.auth.LocalCredential;
import espgw.ike.auth.PeerAuthenticator;
import espgw.ike.auth.Pem;
import espgw.ike.auth.SignatureAlgorithm;
import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.crypto.Prf;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IdPayload;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.NotifyType;
import espgw.ike.message.TrafficSelector;
import espgw.ike.testing.StrongSwan;
import espgw.ike.testing.SwanctlConnection;
import espgw.ike.testing.SwanctlSas.ChildSa;
import espgw.ike.testing.SwanctlSas.IkeSa;
import espgw.sa.Clock;
import espgw.testing.NetnsLab;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * espgw's IKE sessions against a live strongSwan charon (namespaces prefixed {@code ikecert}), both
 * authenticating with certificates of one CA made by {@link CertificateIssuer}: espgw as initiator
 * and as responder, Ed25519 and ECDSA P-256, and with P-256 against a charon with RFC 7427 turned
 * off (Auth Method 9 both ways). Only IKE runs here (no ESP data path): both ends must agree on an
 * established IKE SA and the CHILD SA's SPIs.
 */
class StrongSwanCertificateInteropTest {
    private static final String ESPGW_OUTER = "192.0.2.1";
    private static final String CHARON_OUTER = "192.0.2.2";
    private static final String ESPGW_ID = "espgw.espgw.test";
    private static final String CHARON_ID = "charon.espgw.test";
    private static final String ESPGW_INNER = "198.51.100.1";
    private static final String CHARON_INNER = "198.51.100.2";
    private static final TrafficSelector ESPGW_NET = TrafficSelector.ipv4Prefix(0xc6336401, 32);
    private static final TrafficSelector CHARON_NET = TrafficSelector.ipv4Prefix(0xc6336402, 32);
    private static final long RECEIVE_TIMEOUT_MILLIS = 20_000;
    /** strongswan.conf: charon neither sends SIGNATURE_HASH_ALGORITHMS nor signs with method 14. */
    private static final Map<String, String> WITHOUT_RFC_7427 = Map.of("signature_authentication", "no");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void espgwInitiatesToCharon(SignatureAlgorithm algorithm) throws Exception {
        Run run = espgwInitiates(algorithm, Map.of());

        assertTrue(run.charonsIkeSaInit().notify(NotifyType.SIGNATURE_HASH_ALGORITHMS).isPresent());
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void charonInitiatesToEspgw(SignatureAlgorithm algorithm) throws Exception {
        Run run = charonInitiates(algorithm, Map.of());

        assertTrue(run.charonsIkeSaInit().notify(NotifyType.SIGNATURE_HASH_ALGORITHMS).isPresent());
    }

    /**
     * RFC 4754: a charon without RFC 7427 sends no SIGNATURE_HASH_ALGORITHMS, so espgw signs with
     * Auth Method 9 and charon accepts it; charon signs with method 9 too and espgw accepts that.
     */
    @Test
    void espgwInitiatesToACharonWithoutRfc7427WithAuthMethod9() throws Exception {
        Run run = espgwInitiates(SignatureAlgorithm.ECDSA_P256_SHA256, WITHOUT_RFC_7427);

        assertAuthMethod9BothWays(run, ESPGW_ID, CHARON_ID);
    }

    @Test
    void aCharonWithoutRfc7427InitiatesToEspgwWithAuthMethod9() throws Exception {
        Run run = charonInitiates(SignatureAlgorithm.ECDSA_P256_SHA256, WITHOUT_RFC_7427);

        assertAuthMethod9BothWays(run, ESPGW_ID, CHARON_ID);
    }

    /** charon's IKE_SA_INIT message and its log of the exchange. */
    private record Run(IkeMessage charonsIkeSaInit, String charonLog) {
    }

    private static void assertAuthMethod9BothWays(Run run, String espgw, String charon) {
        assertTrue(run.charonsIkeSaInit().notify(NotifyType.SIGNATURE_HASH_ALGORITHMS).isEmpty(),
                "RFC 7427 is off in charon");
        // charon names Auth Method 9 "ECDSA-256 signature" (and method 14 by its signature scheme)
        assertTrue(run.charonLog().contains("authentication of '" + espgw + "' with ECDSA-256 signature successful"),
                run.charonLog());
        assertTrue(run.charonLog().contains("authentication of '" + charon
                + "' (myself) with ECDSA-256 signature successful"), run.charonLog());
    }

    private Run espgwInitiates(SignatureAlgorithm algorithm, Map<String, String> charonSettings) throws Exception {
        StrongSwan.requireInstalled();
        Credentials credentials = credentials(algorithm);
        try (NetnsLab lab = new NetnsLab("ikecert")) {
            String espgwNs = lab.namespace("espgw");
            String charonNs = lab.namespace("charon");
            lab.veth(espgwNs, "e0", ESPGW_OUTER + "/24", charonNs, "c0", CHARON_OUTER + "/24");
            // charon routes its side of the CHILD SA from its inner address through its libipsec TUN.
            lab.exec(charonNs, "ip", "addr", "add", CHARON_INNER + "/32", "dev", "lo");
            try (StrongSwan charon = StrongSwan.start(lab, charonNs, dir.resolve("charon"), Map.of(), charonSettings);
                    IkeUdpEndpoint udp = new IkeUdpEndpoint(espgwNs, InetAddress.getByName(ESPGW_OUTER))) {
                charon.load(charonConnection(credentials));
                long[] now = {0};
                Clock clock = () -> now[0];
                IkeInitiator initiator = new IkeInitiator(config(credentials, true), new SecureRandom(), clock);
                List<byte[]> toSend = initiator.start();
                IkeMessage charonsInit = null;
                while (initiator.state() != IkeState.ESTABLISHED && initiator.state() != IkeState.FAILED) {
                    // §2.23: after a NAT is detected in IKE_SA_INIT, IKE moves to port 4500.
                    boolean natT = initiator.natStatus().natDetected();
                    for (byte[] message : toSend) {
                        udp.send(message, InetAddress.getByName(CHARON_OUTER), natT);
                    }
                    IkeUdpEndpoint.Received received = udp.receive(RECEIVE_TIMEOUT_MILLIS);
                    if (received == null) {
                        throw new AssertionError("charon did not answer in " + initiator.state() + ":\n"
                                + charon.logTail(30));
                    }
                    IkeMessage message = IkeMessage.decode(received.message());
                    if (message.header().exchangeType() == ExchangeType.IKE_SA_INIT) {
                        // the last one: the first may ask for another key exchange group
                        charonsInit = message;
                    }
                    toSend = initiator.receive(received.message());
                }

                assertEquals(IkeState.ESTABLISHED, initiator.state(),
                        () -> initiator.failure() + "\n" + charon.logTail(30));
                NegotiatedChildSa ours = initiator.childSa().orElseThrow(() -> new AssertionError(initiator.failure()));
                IkeSa theirs = only(charon.listSas());
                assertEquals("ESTABLISHED", theirs.state(), theirs.toString());
                assertCharonAgrees(theirs.children().get(0), ours);
                return new Run(charonsInit, Files.readString(charon.log()));
            }
        }
    }

    private Run charonInitiates(SignatureAlgorithm algorithm, Map<String, String> charonSettings) throws Exception {
        StrongSwan.requireInstalled();
        Credentials credentials = credentials(algorithm);
        try (NetnsLab lab = new NetnsLab("ikecert")) {
            String espgwNs = lab.namespace("espgw");
            String charonNs = lab.namespace("charon");
            lab.veth(espgwNs, "e0", ESPGW_OUTER + "/24", charonNs, "c0", CHARON_OUTER + "/24");
            // charon routes its side of the CHILD SA from its inner address through its libipsec TUN.
            lab.exec(charonNs, "ip", "addr", "add", CHARON_INNER + "/32", "dev", "lo");
            try (StrongSwan charon = StrongSwan.start(lab, charonNs, dir.resolve("charon"), Map.of(), charonSettings);
                    IkeUdpEndpoint udp = new IkeUdpEndpoint(espgwNs, InetAddress.getByName(ESPGW_OUTER))) {
                charon.load(charonConnection(credentials));
                IkeResponder responder = new IkeResponder(config(credentials, false), new SecureRandom());
                List<byte[]> received = new CopyOnWriteArrayList<>();
                CompletableFuture<Void> answering = CompletableFuture.runAsync(() -> answer(responder, udp, received),
                        THREAD_PER_TASK);

                charon.initiate("espgw");
                answering.get(RECEIVE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);

                assertEquals(IkeState.ESTABLISHED, responder.state(), () -> responder.failure().toString());
                NegotiatedChildSa ours = responder.childSa().orElseThrow(() -> new AssertionError(responder.failure()));
                IkeSa theirs = only(charon.listSas());
                assertEquals("ESTABLISHED", theirs.state(), theirs.toString());
                assertCharonAgrees(theirs.children().get(0), ours);
                return new Run(IkeMessage.decode(received.get(0)), Files.readString(charon.log()));
            }
        }
    }

    /** Answers until the responder is done, on the port each request came in on; keeps what came in. */
    private static void answer(IkeResponder responder, IkeUdpEndpoint udp, List<byte[]> received) {
        try {
            while (responder.state() != IkeState.ESTABLISHED && responder.state() != IkeState.FAILED) {
                IkeUdpEndpoint.Received request = udp.receive(RECEIVE_TIMEOUT_MILLIS);
                if (request == null) {
                    throw new AssertionError("charon sent nothing more in " + responder.state());
                }
                received.add(request.message());
                for (byte[] response : responder.receive(request.message())) {
                    udp.send(response, InetAddress.getByName(CHARON_OUTER),
                            request.localPort() == IkeUdpEndpoint.NAT_T_PORT);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertCharonAgrees(ChildSa child, NegotiatedChildSa ours) {
        assertEquals("INSTALLED", child.state(), child.toString());
        assertEquals(String.format("%08x", ours.inboundSpi()), child.get("spi-out"), child.toString());
        assertEquals(String.format("%08x", ours.outboundSpi()), child.get("spi-in"), child.toString());
        assertEquals("AES_GCM_16/128", child.algorithms());
    }

    /** One CA for both ends; espgw's key stays in memory, charon's goes to PEM files. */
    private record Credentials(X509Certificate ca, LocalCredential espgw, Path caFile, Path charonCert,
            Path charonKey) {
    }

    private Credentials credentials(SignatureAlgorithm algorithm) throws Exception {
        Instant now = Instant.now();
        Duration day = Duration.ofDays(1);
        KeyPair caKeys = Keys.generate(algorithm);
        X509Certificate ca = CertificateIssuer.selfSignedCa(caKeys, "espgw interop CA", now, day);
        KeyPair espgwKeys = Keys.generate(algorithm);
        X509Certificate espgwCert = CertificateIssuer.issue(caKeys.getPrivate(), ca, espgwKeys.getPublic(),
                IkeIdentity.parse(ESPGW_ID), now, day);
        KeyPair charonKeys = Keys.generate(algorithm);
        X509Certificate charonCert = CertificateIssuer.issue(caKeys.getPrivate(), ca, charonKeys.getPublic(),
                IkeIdentity.parse(CHARON_ID), now, day);
        Path pki = Files.createDirectories(dir.resolve("pki"));
        Path caFile = Files.writeString(pki.resolve("ca.pem"), Pem.certificate(ca));
        Path charonCertFile = Files.writeString(pki.resolve("charon.pem"), Pem.certificate(charonCert));
        Path charonKeyFile = Files.writeString(pki.resolve("charon-key.pem"), Pem.privateKey(charonKeys.getPrivate()));
        return new Credentials(ca, new LocalCredential(espgwKeys.getPrivate(), List.of(espgwCert)), caFile,
                charonCertFile, charonKeyFile);
    }

    private static SwanctlConnection charonConnection(Credentials credentials) {
        return SwanctlConnection.builder("espgw")
                .local(CHARON_OUTER, CHARON_ID).remote(ESPGW_OUTER, ESPGW_ID)
                .trafficSelectors(CHARON_INNER + "/32", ESPGW_INNER + "/32")
                .authentication(new SwanctlConnection.Certificates(credentials.charonCert(), credentials.charonKey(),
                        credentials.caFile()))
                .proposals("aes128gcm16-prfsha256-x25519", "aes128gcm16").build();
    }

    private static IkeSessionConfig config(Credentials credentials, boolean initiator) throws Exception {
        IkeAuthentication authentication = new IkeAuthentication.Certificates(credentials.espgw(),
                new PeerAuthenticator(new CertificateChainValidator(credentials.ca())));
        IkeAlgorithms ike = new IkeAlgorithms(List.of(IkeEncryption.values()), List.of(Prf.values()),
                List.of(KeyExchangeGroup.values()));
        return new IkeSessionConfig(IdPayload.fqdn(initiator, ESPGW_ID), IdPayload.fqdn(!initiator, CHARON_ID),
                authentication, ike, EspAlgorithms.defaults(), List.of(ESPGW_NET), List.of(CHARON_NET),
                new InetSocketAddress(ESPGW_OUTER, IkeUdpEndpoint.IKE_PORT),
                new InetSocketAddress(CHARON_OUTER, IkeUdpEndpoint.IKE_PORT));
    }

    private static <T> T only(List<T> items) {
        assertEquals(1, items.size(), items.toString());
        return items.get(0);
    }
}
