package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.auth.SignatureAlgorithm;
import espgw.ike.auth.SignatureHashAlgorithms;
import espgw.ike.auth.SignatureHashAlgorithms.HashAlgorithm;
import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.IkeSaKeys;
import espgw.ike.crypto.Prf;
import espgw.ike.message.AuthPayload;
import espgw.ike.message.CertPayload;
import espgw.ike.message.CertRequestPayload;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IdPayload;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.NotifyPayload;
import espgw.ike.message.NotifyType;
import espgw.sa.Direction;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two espgw ends in memory authenticating with certificates (RFC 7427 Auth Method 14, Ed25519 and
 * ECDSA P-256; RFC 4754 Auth Method 9 with P-256 for a peer without RFC 7427) instead of a
 * pre-shared key, and every way that must end in AUTHENTICATION_FAILED.
 */
class IkeCertificateExchangeTest {
    private static final String CLIENT = "client.espgw.test";
    private static final String SERVER = "server.espgw.test";

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void bothEndsAuthenticateWithCertificatesAndAgreeOnTheChildSa(SignatureAlgorithm algorithm) throws Exception {
        TestPki pki = TestPki.create("espgw test CA", algorithm);
        IkePeers peers = peers(pki.authentication(CLIENT, pki), pki.authentication(SERVER, pki));
        peers.run();

        assertEquals(4, peers.wire.size());
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state(), () -> peers.initiator.failure().toString());
        assertEquals(IkeState.ESTABLISHED, peers.responder.state(), () -> peers.responder.failure().toString());
        NegotiatedChildSa i = peers.initiator.childSa().orElseThrow();
        NegotiatedChildSa r = peers.responder.childSa().orElseThrow();
        assertEquals(i.outboundSpi(), r.inboundSpi());
        assertEquals(i.inboundSpi(), r.outboundSpi());
        assertArrayEquals(i.keymat(Direction.OUTBOUND), r.keymat(Direction.INBOUND));
        assertArrayEquals(i.keymat(Direction.INBOUND), r.keymat(Direction.OUTBOUND));
    }

    @Test
    void ikeSaInitCarriesSignatureHashAlgorithmsBothWaysAndTheResponderAsksForOurCa() throws Exception {
        TestPki pki = TestPki.create("espgw test CA", SignatureAlgorithm.ED25519);
        IkePeers peers = peers(pki.authentication(CLIENT, pki), pki.authentication(SERVER, pki));
        peers.run();

        byte[] supported = SignatureHashAlgorithms.encode(SignatureHashAlgorithms.supported());
        IkeMessage request = IkeMessage.decode(peers.wire.get(0));
        IkeMessage response = IkeMessage.decode(peers.wire.get(1));
        assertArrayEquals(supported, request.notify(NotifyType.SIGNATURE_HASH_ALGORITHMS).orElseThrow().data());
        assertArrayEquals(supported, response.notify(NotifyType.SIGNATURE_HASH_ALGORITHMS).orElseThrow().data());
        CertRequestPayload certreq = response.first(CertRequestPayload.class).orElseThrow();
        assertEquals(CertPayload.X509_CERTIFICATE_SIGNATURE, certreq.encoding());
        assertArrayEquals(MessageDigest.getInstance("SHA-1").digest(pki.ca().getPublicKey().getEncoded()),
                certreq.certificationAuthority());
    }

    @Test
    void eachEndTrustsTheOthersCaWithDifferentAlgorithms() throws Exception {
        TestPki clientCa = TestPki.create("client CA", SignatureAlgorithm.ED25519);
        TestPki serverCa = TestPki.create("server CA", SignatureAlgorithm.ECDSA_P256_SHA256);
        IkePeers peers = peers(clientCa.authentication(CLIENT, serverCa), serverCa.authentication(SERVER, clientCa));
        peers.run();

        assertEquals(IkeState.ESTABLISHED, peers.initiator.state(), () -> peers.initiator.failure().toString());
        assertTrue(peers.initiator.childSa().isPresent() && peers.responder.childSa().isPresent());
    }

    @Test
    void aCertificateFromAnotherCaIsAuthenticationFailedOnBothSides() throws Exception {
        TestPki ours = TestPki.create("espgw test CA", SignatureAlgorithm.ED25519);
        TestPki rogue = TestPki.create("rogue CA", SignatureAlgorithm.ED25519);
        IkePeers peers = peers(rogue.authentication(CLIENT, ours), ours.authentication(SERVER, ours));
        peers.run();

        assertBothFailed(peers, "UNTRUSTED_CERTIFICATE");
    }

    @Test
    void aResponderCertificateFromAnotherCaFailsTheInitiator() throws Exception {
        TestPki ours = TestPki.create("espgw test CA", SignatureAlgorithm.ECDSA_P256_SHA256);
        TestPki rogue = TestPki.create("rogue CA", SignatureAlgorithm.ECDSA_P256_SHA256);
        IkePeers peers = peers(ours.authentication(CLIENT, ours), rogue.authentication(SERVER, ours));
        peers.run();

        assertEquals(IkeState.FAILED, peers.initiator.state());
        IkeFailure failure = peers.initiator.failure().orElseThrow();
        assertEquals(NotifyType.AUTHENTICATION_FAILED, failure.notifyType());
        assertTrue(failure.reason().contains("UNTRUSTED_CERTIFICATE"), failure::toString);
        assertTrue(peers.initiator.childSa().isEmpty());
    }

    @Test
    void anIdThatIsNotInTheCertificateIsAuthenticationFailed() throws Exception {
        TestPki pki = TestPki.create("espgw test CA", SignatureAlgorithm.ED25519);
        // A valid certificate of our CA, but for another name than the IDi the client sends.
        IkeAuthentication.Certificates otherName = new IkeAuthentication.Certificates(
                pki.credential("mallory.espgw.test", TestPki.NOW), pki.authenticator(),
                InstantSource.fixed(TestPki.NOW));
        IkePeers peers = peers(otherName, pki.authentication(SERVER, pki));
        peers.run();

        assertBothFailed(peers, "IDENTITY_MISMATCH");
    }

    @Test
    void anExpiredCertificateIsAuthenticationFailed() throws Exception {
        TestPki pki = TestPki.create("espgw test CA", SignatureAlgorithm.ECDSA_P256_SHA256);
        IkeAuthentication.Certificates expired = new IkeAuthentication.Certificates(
                pki.credential(CLIENT, TestPki.NOW.minus(Duration.ofDays(400))), pki.authenticator(),
                InstantSource.fixed(TestPki.NOW));
        IkePeers peers = peers(expired, pki.authentication(SERVER, pki));
        peers.run();

        assertBothFailed(peers, "CERTIFICATE_EXPIRED");
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void anIkeSaInitAlteredOnTheWayBreaksTheSignatureAuthenticationFailed(SignatureAlgorithm algorithm)
            throws Exception {
        TestPki pki = TestPki.create("espgw test CA", algorithm);
        IkePeers peers = peers(pki.authentication(CLIENT, pki), pki.authentication(SERVER, pki));
        // RFC 7296 §2.15: the signature covers the whole IKE_SA_INIT request, so a changed NAT
        // detection hash (which alters neither keys nor nonces) must make it fail.
        peers.run(alterFirst(message -> replaceNotify(message, NotifyType.NAT_DETECTION_SOURCE_IP, data -> {
            data[0] ^= 1;
            return data;
        })));

        assertBothFailed(peers, "BAD_SIGNATURE");
    }

    @Test
    void aTamperedAuthPayloadFailsTheVerificationStep() throws Exception {
        TestPki pki = TestPki.create("espgw test CA", SignatureAlgorithm.ED25519);
        IkeAuthentication.Certificates client = pki.authentication(CLIENT, pki);
        IkeAuthentication.Certificates server = pki.authentication(SERVER, pki);
        SecureRandom random = new SecureRandom();
        IkeSaKeys keys = IkeSaKeys.derive(Prf.PRF_HMAC_SHA2_256, IkeEncryption.AES_GCM_16_128,
                Exchanges.nonce(random), Exchanges.nonce(random), Exchanges.nonce(random), 1, 2);
        byte[] initRequest = {1, 2, 3};
        byte[] nr = Exchanges.nonce(random);
        IdPayload idi = IdPayload.fqdn(true, CLIENT);
        AuthPayload auth = Authentication.ours(client, AuthPayload.DIGITAL_SIGNATURE, keys, true, initRequest, nr, idi);
        List<IkePayload> payloads = new ArrayList<>(List.of(idi));
        payloads.addAll(Authentication.certificates(client));
        IkeMessage message = new IkeMessage(IkeHeader.of(1, 2, ExchangeType.IKE_AUTH, IkeHeader.FLAG_INITIATOR, 1),
                payloads);

        Authentication.verifyPeer(server, keys, true, message, auth, idi, initRequest, nr);
        byte[] tampered = auth.data();
        tampered[tampered.length - 1] ^= 1;
        IkeProtocolException e = assertThrows(IkeProtocolException.class, () -> Authentication.verifyPeer(server,
                keys, true, message, new AuthPayload(AuthPayload.DIGITAL_SIGNATURE, tampered), idi, initRequest, nr));
        assertEquals(NotifyType.AUTHENTICATION_FAILED, e.notifyType());
        assertTrue(e.getMessage().contains("BAD_SIGNATURE"), e::getMessage);
        IkeMessage withoutCert = new IkeMessage(message.header(), List.of(idi));
        e = assertThrows(IkeProtocolException.class, () -> Authentication.verifyPeer(server, keys, true,
                withoutCert, auth, idi, initRequest, nr));
        assertTrue(e.getMessage().contains("MALFORMED_CERTIFICATE"), e::getMessage);
    }

    @Test
    void forAPeerWithoutSignatureHashAlgorithmsBothEndsSignWithMethod9AndVerifyIt() throws Exception {
        TestPki pki = TestPki.create("espgw test CA", SignatureAlgorithm.ECDSA_P256_SHA256);
        IkeAuthentication.Certificates client = pki.authentication(CLIENT, pki);
        IkeAuthentication.Certificates server = pki.authentication(SERVER, pki);
        AuthFixture f = new AuthFixture();

        // the initiator, for a responder that sent no SIGNATURE_HASH_ALGORITHMS
        int initiatorMethod = Authentication.ourAuthMethod(client, Optional.empty(), "responder");
        AuthPayload authI = Authentication.ours(client, initiatorMethod, f.keys, true, f.initRequest, f.nr, f.idi);
        assertEquals(AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE, authI.method());
        assertEquals(64, authI.data().length, "r||s, RFC 4754 §7");
        Authentication.verifyPeer(server, f.keys, true, f.message(f.idi, client), authI, f.idi, f.initRequest, f.nr);
        // the responder, for an initiator that sent none
        int responderMethod = Authentication.ourAuthMethod(server, Optional.empty(), "initiator");
        AuthPayload authR = Authentication.ours(server, responderMethod, f.keys, false, f.initResponse, f.ni, f.idr);
        assertEquals(AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE, authR.method());
        assertEquals(64, authR.data().length);
        Authentication.verifyPeer(client, f.keys, false, f.message(f.idr, server), authR, f.idr, f.initResponse, f.ni);

        byte[] tampered = authI.data();
        tampered[tampered.length - 1] ^= 1;
        IkeProtocolException e = assertThrows(IkeProtocolException.class, () -> Authentication.verifyPeer(server,
                f.keys, true, f.message(f.idi, client), new AuthPayload(authI.method(), tampered), f.idi,
                f.initRequest, f.nr));
        assertEquals(NotifyType.AUTHENTICATION_FAILED, e.notifyType());
        assertTrue(e.getMessage().contains("BAD_SIGNATURE"), e::getMessage);
    }

    @Test
    void ourResponderAndAnInitiatorWithoutRfc7427AuthenticateEachOtherWithMethod9() throws Exception {
        TestPki pki = TestPki.create("espgw test CA", SignatureAlgorithm.ECDSA_P256_SHA256);
        LegacyInitiator legacy = new LegacyInitiator(TestPki.with(IkePeers.initiatorConfig(),
                pki.authentication(CLIENT, pki)));
        IkeResponder responder = new IkeResponder(TestPki.with(IkePeers.responderConfig(),
                pki.authentication(SERVER, pki)), new SecureRandom());

        byte[] initResponse = responder.receive(legacy.ikeSaInit()).get(0);
        byte[] authResponse = responder.receive(legacy.ikeAuth(initResponse)).get(0);

        assertTrue(IkeMessage.decode(initResponse).notify(NotifyType.SIGNATURE_HASH_ALGORITHMS).isPresent(),
                "we offer RFC 7427 all the same");
        assertEquals(IkeState.ESTABLISHED, responder.state(), () -> responder.failure().toString());
        assertTrue(responder.childSa().isPresent());
        AuthPayload auth = legacy.responderAuth(authResponse);
        assertEquals(AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE, auth.method());
        assertEquals(64, auth.data().length);
    }

    @Test
    void method9WithAnEd25519CertificateIsAuthenticationFailed() throws Exception {
        TestPki pki = TestPki.create("espgw test CA", SignatureAlgorithm.ED25519);
        IkeAuthentication.Certificates client = pki.authentication(CLIENT, pki);
        IkeAuthentication.Certificates p256 = TestPki.create("other CA", SignatureAlgorithm.ECDSA_P256_SHA256)
                .authentication(CLIENT, pki);
        AuthFixture f = new AuthFixture();
        AuthPayload method9 = Authentication.ours(p256, AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE, f.keys, true,
                f.initRequest, f.nr, f.idi);

        IkeProtocolException e = assertThrows(IkeProtocolException.class, () -> Authentication.verifyPeer(
                pki.authentication(SERVER, pki), f.keys, true, f.message(f.idi, client), method9, f.idi,
                f.initRequest, f.nr));

        assertEquals(NotifyType.AUTHENTICATION_FAILED, e.notifyType());
        assertTrue(e.getMessage().contains("ALGORITHM_KEY_MISMATCH: Auth Method 9"), e::getMessage);
    }

    @Test
    void anRsaSignatureIsAuthenticationFailedBecauseRsaKeysAreNotSupported() throws Exception {
        TestPki pki = TestPki.create("espgw test CA", SignatureAlgorithm.ECDSA_P256_SHA256);
        IkeAuthentication.Certificates client = pki.authentication(CLIENT, pki);
        AuthFixture f = new AuthFixture();

        IkeProtocolException e = assertThrows(IkeProtocolException.class, () -> Authentication.verifyPeer(
                pki.authentication(SERVER, pki), f.keys, true, f.message(f.idi, client),
                new AuthPayload(AuthPayload.RSA_DIGITAL_SIGNATURE, new byte[256]), f.idi, f.initRequest, f.nr));

        assertEquals(NotifyType.AUTHENTICATION_FAILED, e.notifyType());
        assertTrue(e.getMessage().contains("RSA keys are not supported"), e::getMessage);
    }

    @Test
    void aPskInitiatorMeetingACertificateResponderFailsCleanly() throws Exception {
        TestPki pki = TestPki.create("espgw test CA", SignatureAlgorithm.ED25519);
        IkePeers peers = new IkePeers(IkePeers.initiatorConfig(),
                TestPki.with(IkePeers.responderConfig(), pki.authentication(SERVER, pki)));
        peers.run();

        assertBothFailed(peers, "SIGNATURE_HASH_ALGORITHMS");
    }

    @Test
    void anEd25519CertificateInitiatorMeetingAPskResponderFailsCleanlyAfterIkeSaInit() throws Exception {
        // RFC 8420: an Ed25519 key signs only with method 14, which needs the responder's hashes
        TestPki pki = TestPki.create("espgw test CA", SignatureAlgorithm.ED25519);
        IkePeers peers = new IkePeers(TestPki.with(IkePeers.initiatorConfig(), pki.authentication(CLIENT, pki)),
                IkePeers.responderConfig());
        peers.run();

        assertEquals(2, peers.wire.size(), "no IKE_AUTH: we cannot sign for a responder that verifies no signature");
        assertEquals(IkeState.FAILED, peers.initiator.state());
        IkeFailure failure = peers.initiator.failure().orElseThrow();
        assertEquals(NotifyType.AUTHENTICATION_FAILED, failure.notifyType());
        assertTrue(failure.reason().contains("sent no SIGNATURE_HASH_ALGORITHMS"), failure::toString);
        assertTrue(peers.initiator.childSa().isEmpty() && peers.responder.childSa().isEmpty());
        assertTrue(peers.initiator.onTimer().isEmpty(), "nothing left to retransmit");
        assertEquals(IkeState.WAITING_FOR_IKE_AUTH, peers.responder.state(), "half-open until it times out");
    }

    @Test
    void aPskInitiatorMeetingAP256CertificateResponderIsRefusedForItsAuthMethod() throws Exception {
        TestPki pki = TestPki.create("espgw test CA", SignatureAlgorithm.ECDSA_P256_SHA256);
        IkePeers peers = new IkePeers(IkePeers.initiatorConfig(),
                TestPki.with(IkePeers.responderConfig(), pki.authentication(SERVER, pki)));
        peers.run();

        // no SIGNATURE_HASH_ALGORITHMS no longer stops a P-256 responder: the PSK's method 2 does
        assertBothFailed(peers, "UNSUPPORTED_AUTH_METHOD: Auth Method 2");
    }

    @Test
    void aP256CertificateInitiatorMeetingAPskResponderSignsWithMethod9() throws Exception {
        TestPki pki = TestPki.create("espgw test CA", SignatureAlgorithm.ECDSA_P256_SHA256);
        IkePeers peers = new IkePeers(TestPki.with(IkePeers.initiatorConfig(), pki.authentication(CLIENT, pki)),
                IkePeers.responderConfig());
        peers.run();

        // the responder sent no SIGNATURE_HASH_ALGORITHMS: the initiator went on to IKE_AUTH with method 9
        assertEquals(4, peers.wire.size());
        assertBothFailed(peers, "the initiator authenticates with Auth Method 9, we expect 2");
    }

    @Test
    void aPeerListingNoHashOurKeySignsWithIsAuthenticationFailed() throws Exception {
        TestPki pki = TestPki.create("espgw test CA", SignatureAlgorithm.ED25519);
        IkePeers peers = peers(pki.authentication(CLIENT, pki), pki.authentication(SERVER, pki));
        byte[] sha256Only = SignatureHashAlgorithms.encode(EnumSet.of(HashAlgorithm.SHA2_256));
        peers.run(alterFirst(message -> replaceNotify(message, NotifyType.SIGNATURE_HASH_ALGORITHMS,
                data -> sha256Only)));

        assertBothFailed(peers, "lack IDENTITY");
    }

    @Test
    void noKeyMaterialInTheConfigOrTheFailure() throws Exception {
        TestPki pki = TestPki.create("espgw test CA", SignatureAlgorithm.ED25519);
        IkeAuthentication.Certificates client = pki.authentication(CLIENT, pki);
        IkeSessionConfig config = TestPki.with(IkePeers.initiatorConfig(), client);
        assertTrue(config.toString().contains("CN=" + CLIENT), config::toString);
        assertThrows(IllegalStateException.class, config::preSharedKey);
        String pskConfig = IkePeers.initiatorConfig().toString();
        assertFalse(pskConfig.contains("correct horse"), pskConfig);
        assertTrue(pskConfig.contains("psk=<redacted>"), pskConfig);
    }

    /** Made-up keys and IKE_SA_INIT messages: enough for {@link Authentication} to sign and verify over. */
    private static final class AuthFixture {
        final SecureRandom random = new SecureRandom();
        final IkeSaKeys keys = IkeSaKeys.derive(Prf.PRF_HMAC_SHA2_256, IkeEncryption.AES_GCM_16_128,
                Exchanges.nonce(random), Exchanges.nonce(random), Exchanges.nonce(random), 1, 2);
        final byte[] initRequest = {1, 2, 3};
        final byte[] initResponse = {4, 5, 6};
        final byte[] ni = Exchanges.nonce(random);
        final byte[] nr = Exchanges.nonce(random);
        final IdPayload idi = IdPayload.fqdn(true, CLIENT);
        final IdPayload idr = IdPayload.fqdn(false, SERVER);

        /** An IKE_AUTH message from the end with {@code id} and {@code authentication}'s CERT payloads. */
        IkeMessage message(IdPayload id, IkeAuthentication authentication) {
            List<IkePayload> payloads = new ArrayList<>(List.of(id));
            payloads.addAll(Authentication.certificates(authentication));
            return new IkeMessage(IkeHeader.of(1, 2, ExchangeType.IKE_AUTH,
                    id.initiator() ? IkeHeader.FLAG_INITIATOR : IkeHeader.FLAG_RESPONSE, 1), payloads);
        }
    }

    private static IkePeers peers(IkeAuthentication client, IkeAuthentication server) {
        return new IkePeers(TestPki.with(IkePeers.initiatorConfig(), client),
                TestPki.with(IkePeers.responderConfig(), server));
    }

    private static void assertBothFailed(IkePeers peers, String responderReason) {
        assertEquals(IkeState.FAILED, peers.responder.state());
        IkeFailure failure = peers.responder.failure().orElseThrow();
        assertEquals(NotifyType.AUTHENTICATION_FAILED, failure.notifyType());
        assertTrue(failure.reason().contains(responderReason), failure::toString);
        assertEquals(IkeState.FAILED, peers.initiator.state());
        assertEquals(NotifyType.AUTHENTICATION_FAILED, peers.initiator.failure().orElseThrow().notifyType());
        assertTrue(peers.initiator.childSa().isEmpty() && peers.responder.childSa().isEmpty());
        IkeMessage answer = decode(peers.wire.get(peers.wire.size() - 1));
        assertEquals(ExchangeType.IKE_AUTH, answer.header().exchangeType(), "the responder answered IKE_AUTH");
    }

    /** Alters the first datagram (the IKE_SA_INIT request) on its way to the responder. */
    private static UnaryOperator<byte[]> alterFirst(UnaryOperator<IkeMessage> change) {
        int[] seen = {0};
        return datagram -> seen[0]++ == 0 ? change.apply(decode(datagram)).encode() : datagram;
    }

    private static IkeMessage replaceNotify(IkeMessage message, int notifyType, UnaryOperator<byte[]> data) {
        List<IkePayload> payloads = new ArrayList<>();
        for (IkePayload payload : message.payloads()) {
            payloads.add(payload instanceof NotifyPayload n && n.notifyType() == notifyType
                    ? NotifyPayload.of(notifyType, data.apply(n.data())) : payload);
        }
        return new IkeMessage(message.header(), payloads);
    }

    private static IkeMessage decode(byte[] datagram) {
        try {
            return IkeMessage.decode(datagram);
        } catch (IkeProtocolException e) {
            throw new AssertionError(e);
        }
    }
}
