package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.auth.CertificateChainValidator;
import espgw.ike.auth.LocalCredential;
import espgw.ike.auth.PeerAuthenticator;
import espgw.ike.auth.Pem;
import espgw.ike.auth.SignatureHashAlgorithms.HashAlgorithm;
import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.IkeMessageProtection;
import espgw.ike.crypto.IkeSaKeys;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.crypto.Prf;
import espgw.ike.crypto.StrongSwanCase;
import espgw.ike.message.AuthPayload;
import espgw.ike.message.CertRequestPayload;
import espgw.ike.message.IdPayload;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.NotifyType;
import espgw.ike.message.PayloadType;
import espgw.ike.message.TrafficSelector;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The recorded strongSwan 5.9.8 certificate exchanges (Ed25519 and ECDSA P-256) against the session
 * code: our responder answers charon's IKE_SA_INIT request as charon's responder did (CERTREQ for
 * the same CA, SIGNATURE_HASH_ALGORITHMS), and charon's IKE_AUTH request and response, opened with
 * the recorded keys, authenticate through {@link Authentication#verifyPeer} exactly as our
 * responder and initiator call it. (Replaying message 3 into a fresh responder is impossible: its
 * DH private value was not recorded.)
 */
class StrongSwanCertificateTest {
    /** Inside the fixture certificates' validity (2026-11-26 to 2036-11-23). */
    private static final InstantSource VALID = InstantSource.fixed(Instant.parse("2027-06-01T00:00:00Z"));

    @ParameterizedTest
    @ValueSource(strings = {StrongSwanCase.ED25519_CERT, StrongSwanCase.ECDSA_CERT})
    void ourResponderAnswersCharonsIkeSaInitWithTheCertreqCharonSent(String name) throws Exception {
        StrongSwanCase fixture = new StrongSwanCase(name);
        IkeResponder responder = new IkeResponder(responderConfig(fixture, fixture), new SecureRandom());

        IkeMessage answer = IkeMessage.decode(responder.receive(fixture.message(1)).get(0));

        assertEquals(IkeState.WAITING_FOR_IKE_AUTH, responder.state());
        IkeMessage charons = IkeMessage.decode(fixture.message(2));
        assertSameRequest(charons.first(CertRequestPayload.class).orElseThrow(),
                answer.first(CertRequestPayload.class).orElseThrow());
        assertTrue(answer.notify(NotifyType.SIGNATURE_HASH_ALGORITHMS).isPresent());
        IkeMessage request = IkeMessage.decode(fixture.message(1));
        assertEquals(EnumSet.of(HashAlgorithm.SHA2_256, HashAlgorithm.SHA2_384, HashAlgorithm.SHA2_512,
                HashAlgorithm.IDENTITY), Authentication.peerSignatureHashes(request).orElseThrow());
        assertEquals(AuthPayload.DIGITAL_SIGNATURE, Authentication.ourAuthMethod(
                responderConfig(fixture, fixture).authentication(), Authentication.peerSignatureHashes(request),
                "initiator"));
    }

    @ParameterizedTest
    @ValueSource(strings = {StrongSwanCase.ED25519_CERT, StrongSwanCase.ECDSA_CERT})
    void charonsIkeAuthRequestAuthenticatesAsOurResponderChecksIt(String name) throws Exception {
        StrongSwanCase fixture = new StrongSwanCase(name);
        IkeSaKeys keys = keys(fixture);
        IkeMessage request = open(new IkeMessageProtection(keys, false), fixture.message(3));
        IdPayload idi = (IdPayload) request.firstOfType(PayloadType.IDENTIFICATION_INITIATOR).orElseThrow();

        Authentication.verifyPeer(responderConfig(fixture, fixture).authentication(), keys, true, request,
                request.first(AuthPayload.class).orElseThrow(), idi, fixture.message(1), fixture.hex("nr"));

        assertSameRequest(request.first(CertRequestPayload.class).orElseThrow(), Authentication.certificateRequest(
                responderConfig(fixture, fixture).authentication()).get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {StrongSwanCase.ED25519_CERT, StrongSwanCase.ECDSA_CERT})
    void charonsIkeAuthResponseAuthenticatesAsOurInitiatorChecksIt(String name) throws Exception {
        StrongSwanCase fixture = new StrongSwanCase(name);
        IkeSaKeys keys = keys(fixture);
        IkeMessage response = open(new IkeMessageProtection(keys, true), fixture.message(4));
        IdPayload idr = (IdPayload) response.firstOfType(PayloadType.IDENTIFICATION_RESPONDER).orElseThrow();

        Authentication.verifyPeer(initiatorAuthentication(fixture, fixture, VALID), keys, false, response,
                response.first(AuthPayload.class).orElseThrow(), idr, fixture.message(2), fixture.hex("ni"));
    }

    @ParameterizedTest
    @ValueSource(strings = {StrongSwanCase.ED25519_CERT, StrongSwanCase.ECDSA_CERT})
    void charonsAuthFailsUnderAnotherCaAfterExpiryAndOverAnotherMessage(String name) throws Exception {
        StrongSwanCase fixture = new StrongSwanCase(name);
        StrongSwanCase other = new StrongSwanCase(name.equals(StrongSwanCase.ED25519_CERT)
                ? StrongSwanCase.ECDSA_CERT : StrongSwanCase.ED25519_CERT);
        IkeSaKeys keys = keys(fixture);
        IkeMessage response = open(new IkeMessageProtection(keys, true), fixture.message(4));
        IdPayload idr = (IdPayload) response.firstOfType(PayloadType.IDENTIFICATION_RESPONDER).orElseThrow();
        AuthPayload auth = response.first(AuthPayload.class).orElseThrow();
        byte[] alteredInit = fixture.message(2);
        alteredInit[alteredInit.length - 1] ^= 1;

        assertAuthenticationFailed("UNTRUSTED_CERTIFICATE", () -> Authentication.verifyPeer(
                initiatorAuthentication(fixture, other, VALID), keys, false, response, auth, idr, fixture.message(2),
                fixture.hex("ni")));
        assertAuthenticationFailed("CERTIFICATE_EXPIRED", () -> Authentication.verifyPeer(
                initiatorAuthentication(fixture, fixture, InstantSource.fixed(Instant.parse("2037-01-01T00:00:00Z"))),
                keys, false, response, auth, idr, fixture.message(2), fixture.hex("ni")));
        assertAuthenticationFailed("BAD_SIGNATURE", () -> Authentication.verifyPeer(
                initiatorAuthentication(fixture, fixture, VALID), keys, false, response, auth, idr, alteredInit,
                fixture.hex("ni")));
    }

    /** Cert Encoding 4 and the SHA-1 of the same CA's public key. */
    private static void assertSameRequest(CertRequestPayload charons, CertRequestPayload ours) {
        assertEquals(charons.encoding(), ours.encoding());
        assertArrayEquals(charons.certificationAuthority(), ours.certificationAuthority());
    }

    private static void assertAuthenticationFailed(String reason, org.junit.jupiter.api.function.Executable check) {
        IkeProtocolException e = assertThrows(IkeProtocolException.class, check);
        assertEquals(NotifyType.AUTHENTICATION_FAILED, e.notifyType());
        assertTrue(e.getMessage().contains(reason), e::getMessage);
    }

    /** Our responder in charon's responder's place: its key and certificate, the fixture CA. */
    private static IkeSessionConfig responderConfig(StrongSwanCase fixture, StrongSwanCase caFixture)
            throws Exception {
        IkeAuthentication.Certificates authentication = new IkeAuthentication.Certificates(
                credential(fixture, "responder"), authenticator(caFixture), VALID);
        IkeAlgorithms ike = new IkeAlgorithms(List.of(IkeEncryption.values()), List.of(Prf.values()),
                List.of(KeyExchangeGroup.values()));
        return new IkeSessionConfig(IdPayload.fqdn(false, fixture.property("responder_id")),
                IdPayload.fqdn(true, fixture.property("initiator_id")), authentication, ike, EspAlgorithms.defaults(),
                List.of(TrafficSelector.ipv4Prefix(0xc6336402, 32)),
                List.of(TrafficSelector.ipv4Prefix(0xc6336401, 32)),
                new InetSocketAddress(fixture.property("responder_address"), 500),
                new InetSocketAddress(fixture.property("initiator_address"), 500));
    }

    /** Our initiator in charon's initiator's place, trusting the CA of {@code caFixture}. */
    private static IkeAuthentication initiatorAuthentication(StrongSwanCase fixture, StrongSwanCase caFixture,
            InstantSource clock) throws Exception {
        return new IkeAuthentication.Certificates(credential(fixture, "initiator"), authenticator(caFixture), clock);
    }

    private static LocalCredential credential(StrongSwanCase fixture, String role) throws Exception {
        return new LocalCredential(Pem.readPrivateKey(fixture.text(role + "-key.pem")),
                Pem.readCertificates(fixture.text(role + "-cert.pem")));
    }

    private static PeerAuthenticator authenticator(StrongSwanCase fixture) throws Exception {
        return new PeerAuthenticator(new CertificateChainValidator(
                Pem.readCertificates(fixture.text("ca-cert.pem")).get(0)));
    }

    /** The IKE SA keys charon logged, derived from its g^ir (README: keys.properties). */
    private static IkeSaKeys keys(StrongSwanCase fixture) {
        return IkeSaKeys.derive(Prf.PRF_HMAC_SHA2_256, IkeEncryption.AES_GCM_16_128, fixture.hex("ni"),
                fixture.hex("nr"), fixture.hex("g_ir"), Long.parseUnsignedLong(fixture.property("spi_i"), 16),
                Long.parseUnsignedLong(fixture.property("spi_r"), 16));
    }

    private static IkeMessage open(IkeMessageProtection protection, byte[] wire) throws Exception {
        return protection.open(IkeMessage.decode(wire), wire).orElseThrow();
    }
}
