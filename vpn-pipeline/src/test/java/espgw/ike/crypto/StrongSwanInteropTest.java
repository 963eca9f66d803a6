package espgw.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.crypto.AeadAlgorithm;
import espgw.crypto.JceAead;
import espgw.ike.message.AuthPayload;
import espgw.ike.message.CertPayload;
import espgw.ike.message.DeletePayload;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IdPayload;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.KePayload;
import espgw.ike.message.NoncePayload;
import espgw.ike.message.PayloadType;
import espgw.ike.message.Proposal;
import espgw.ike.message.ProtocolId;
import espgw.ike.message.SaPayload;
import espgw.ike.message.Transform;
import espgw.ike.message.TrafficSelectorPayload;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * espgw's codec and key schedule against what two strongSwan 5.9.8 charons put on the wire and
 * logged (fixtures recorded by {@code record.sh}, see the README beside them).
 */
class StrongSwanInteropTest {
    private static final HexFormat HEX = HexFormat.of();
    static final List<StrongSwanCase> CASES = Arrays.stream(StrongSwanCase.ALL).map(StrongSwanCase::new).toList();
    static final List<StrongSwanCase> PSK_CASES = CASES.stream().filter(StrongSwanCase::isPsk).toList();
    static final List<StrongSwanCase> CERTIFICATE_CASES = CASES.stream().filter(c -> !c.isPsk()).toList();

    @ParameterizedTest
    @FieldSource("CASES")
    void everyRecordedMessageDecodesAndReencodesToTheSameOctets(StrongSwanCase fixture) throws Exception {
        for (int n = 1; n <= fixture.messageCount(); n++) {
            byte[] wire = fixture.message(n);
            IkeMessage message = IkeMessage.decode(wire);
            assertArrayEquals(wire, message.encode(), fixture + " message " + n);
            assertEquals(n % 2 == 0, message.header().isResponse(), "message " + n);
        }
        IkeMessage init = IkeMessage.decode(fixture.message(1));
        assertEquals(ExchangeType.IKE_SA_INIT, init.header().exchangeType());
        assertEquals(fixture.property("spi_i"), String.format("%016x", init.header().initiatorSpi()));
        assertArrayEquals(fixture.hex("ni"), init.first(NoncePayload.class).orElseThrow().nonce());
        IkeMessage response = IkeMessage.decode(fixture.message(2));
        assertEquals(fixture.property("spi_r"), String.format("%016x", response.header().responderSpi()));
        assertArrayEquals(fixture.hex("nr"), response.first(NoncePayload.class).orElseThrow().nonce());
    }

    @ParameterizedTest
    @FieldSource("CASES")
    void theNegotiatedIkeProposalMapsToOurAlgorithms(StrongSwanCase fixture) throws Exception {
        Proposal chosen = IkeMessage.decode(fixture.message(2)).first(SaPayload.class).orElseThrow().proposals().get(0);
        assertEquals(ProtocolId.IKE, chosen.protocolId());
        assertEquals(0, chosen.spi().length);
        assertEquals(encryption(fixture), IkeEncryption.fromTransform(
                chosen.transformsOfType(Transform.TYPE_ENCR).get(0)).orElseThrow());
        assertEquals(Prf.PRF_HMAC_SHA2_256, Prf.fromTransform(chosen.transformsOfType(Transform.TYPE_PRF).get(0))
                .orElseThrow());
        KeyExchangeGroup group = KeyExchangeGroup.fromTransform(chosen.transformsOfType(Transform.TYPE_DH).get(0))
                .orElseThrow();
        assertEquals(group.keyExchangeDataLength(),
                IkeMessage.decode(fixture.message(2)).first(KePayload.class).orElseThrow().keyExchangeData().length);
        assertTrue(chosen.transformsOfType(Transform.TYPE_INTEG).isEmpty(), "AEAD: no INTEG transform");
    }

    @ParameterizedTest
    @FieldSource("CASES")
    void skeyseedAndEverySkKeyMatchStrongSwan(StrongSwanCase fixture) {
        byte[] ni = fixture.hex("ni");
        byte[] nr = fixture.hex("nr");
        byte[] gir = fixture.hex("g_ir");
        assertEquals(fixture.property("skeyseed"),
                HEX.formatHex(IkeSaKeys.skeyseed(Prf.PRF_HMAC_SHA2_256, ni, nr, gir)));
        IkeSaKeys keys = keys(fixture);
        assertEquals(fixture.property("sk_d"), HEX.formatHex(keys.skD()));
        assertEquals(fixture.property("sk_ei"), HEX.formatHex(keys.skEi()));
        assertEquals(fixture.property("sk_er"), HEX.formatHex(keys.skEr()));
        assertEquals(fixture.property("sk_pi"), HEX.formatHex(keys.skPi()));
        assertEquals(fixture.property("sk_pr"), HEX.formatHex(keys.skPr()));
        assertFalse(keys.toString().contains(fixture.property("sk_d").substring(0, 8)));
    }

    @ParameterizedTest
    @FieldSource("CASES")
    void theRecordedEncryptedMessagesOpenOnTheRightSideOnly(StrongSwanCase fixture) throws Exception {
        IkeSaKeys keys = keys(fixture);
        IkeMessageProtection responder = new IkeMessageProtection(keys, false);
        IkeMessageProtection initiator = new IkeMessageProtection(keys, true);
        for (int n = 3; n <= fixture.messageCount(); n++) {
            byte[] wire = fixture.message(n);
            IkeMessage outer = IkeMessage.decode(wire);
            IkeMessageProtection receiver = n % 2 == 1 ? responder : initiator;
            IkeMessageProtection sender = n % 2 == 1 ? initiator : responder;
            assertTrue(receiver.open(outer, wire).isPresent(), fixture + " message " + n);
            assertTrue(sender.open(outer, wire).isEmpty(), "the sender's own inbound key must not open it");
        }
        IkeMessage authRequest = open(responder, fixture.message(3));
        assertEquals(PayloadType.IDENTIFICATION_INITIATOR, authRequest.payloads().get(0).type());
        assertEquals(fixture.property("initiator_id"), authRequest.first(IdPayload.class).orElseThrow().display());
        assertEquals(2, authRequest.payloads().stream().filter(p -> p instanceof TrafficSelectorPayload).count());
        IkeMessage delete = open(responder, fixture.message(5));
        assertEquals(ProtocolId.IKE, delete.first(DeletePayload.class).orElseThrow().protocolId());
        assertTrue(open(initiator, fixture.message(6)).payloads().isEmpty(), "the delete's response is empty");
    }

    @ParameterizedTest
    @FieldSource("CASES")
    void theSignedOctetsOfBothSidesMatchStrongSwan(StrongSwanCase fixture) throws Exception {
        IkeSaKeys keys = keys(fixture);
        IkeMessage authRequest = open(new IkeMessageProtection(keys, false), fixture.message(3));
        IkeMessage authResponse = open(new IkeMessageProtection(keys, true), fixture.message(4));
        IdPayload idi = (IdPayload) authRequest.firstOfType(PayloadType.IDENTIFICATION_INITIATOR).orElseThrow();
        IdPayload idr = (IdPayload) authResponse.firstOfType(PayloadType.IDENTIFICATION_RESPONDER).orElseThrow();
        assertEquals(IdPayload.ID_FQDN, idr.idType());
        assertEquals(fixture.property("auth_octets_i"), HEX.formatHex(PskAuthentication.signedOctets(
                Prf.PRF_HMAC_SHA2_256, fixture.message(1), fixture.hex("nr"), keys.skPi(), idi)));
        assertEquals(fixture.property("auth_octets_r"), HEX.formatHex(PskAuthentication.signedOctets(
                Prf.PRF_HMAC_SHA2_256, fixture.message(2), fixture.hex("ni"), keys.skPr(), idr)));
    }

    @ParameterizedTest
    @FieldSource("PSK_CASES")
    void pskAuthOfBothSidesVerifiesAndAWrongKeyDoesNot(StrongSwanCase fixture) throws Exception {
        IkeSaKeys keys = keys(fixture);
        byte[] psk = fixture.hex("psk_hex");
        Prf prf = Prf.PRF_HMAC_SHA2_256;
        for (int n : new int[] {3, 4}) {
            IkeMessage message = open(new IkeMessageProtection(keys, n == 4), fixture.message(n));
            AuthPayload auth = message.first(AuthPayload.class).orElseThrow();
            assertEquals(AuthPayload.SHARED_KEY_MESSAGE_INTEGRITY_CODE, auth.method());
            byte[] octets = fixture.hex(n == 3 ? "auth_octets_i" : "auth_octets_r");
            assertEquals(fixture.property(n == 3 ? "auth_psk_i" : "auth_psk_r"), HEX.formatHex(auth.data()));
            assertArrayEquals(auth.data(), PskAuthentication.authData(prf, psk, octets));
            assertTrue(PskAuthentication.verify(prf, psk, octets, auth.data()));
            byte[] wrong = psk.clone();
            wrong[0] ^= 1;
            assertFalse(PskAuthentication.verify(prf, wrong, octets, auth.data()));
        }
    }

    @ParameterizedTest
    @FieldSource("CERTIFICATE_CASES")
    void ed25519AuthVerifiesWithTheRecordedCertificates(StrongSwanCase fixture) throws Exception {
        IkeSaKeys keys = keys(fixture);
        for (int n : new int[] {3, 4}) {
            IkeMessage message = open(new IkeMessageProtection(keys, n == 4), fixture.message(n));
            AuthPayload auth = message.first(AuthPayload.class).orElseThrow();
            assertEquals(AuthPayload.DIGITAL_SIGNATURE, auth.method());
            byte[] data = auth.data();
            // RFC 7427 §3: one octet of length, the AlgorithmIdentifier, then the signature.
            int idLength = data[0];
            assertEquals("300506032b6570", HEX.formatHex(data, 1, 1 + idLength), "id-Ed25519");
            byte[] signature = Arrays.copyOfRange(data, 1 + idLength, data.length);
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(
                            message.first(CertPayload.class).orElseThrow().data()));
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(fixture.hex(n == 3 ? "auth_octets_i" : "auth_octets_r"));
            assertTrue(verifier.verify(signature), "message " + n);
        }
    }

    @ParameterizedTest
    @FieldSource("CASES")
    void childSaKeysMatchStrongSwanAndOpenTheFirstEspPacketEachWay(StrongSwanCase fixture) throws Exception {
        IkeSaKeys keys = keys(fixture);
        IkeMessage authResponse = open(new IkeMessageProtection(keys, true), fixture.message(4));
        Proposal chosen = authResponse.first(SaPayload.class).orElseThrow().proposals().get(0);
        assertEquals(ProtocolId.ESP, chosen.protocolId());
        IkeEncryption esp = IkeEncryption.fromTransform(chosen.transformsOfType(Transform.TYPE_ENCR).get(0))
                .orElseThrow();
        assertEquals(List.of(Transform.of(Transform.TYPE_ESN, Transform.ESN_NO)),
                chosen.transformsOfType(Transform.TYPE_ESN));
        assertEquals(fixture.property("child_spi_i_to_r"), String.format("%08x", chosen.spiAsInt()));
        ChildSaKeys child = ChildSaKeys.derive(Prf.PRF_HMAC_SHA2_256, keys.skD(), esp, fixture.hex("ni"),
                fixture.hex("nr"));
        assertEquals(fixture.property("child_encr_i_to_r"), HEX.formatHex(child.initiatorToResponder()));
        assertEquals(fixture.property("child_encr_r_to_i"), HEX.formatHex(child.responderToInitiator()));
        assertEquals(0x45, openEsp(esp.aead(), child.initiatorToResponder(),
                fixture.file("esp-initiator-to-responder.bin")), "an IPv4 packet inside");
        assertEquals(0x45, openEsp(esp.aead(), child.responderToInitiator(),
                fixture.file("esp-responder-to-initiator.bin")));
    }

    /** Opens an ESP packet (RFC 4303 §2, 32-bit sequence numbers) and returns its first plaintext octet. */
    private static int openEsp(AeadAlgorithm algorithm, byte[] keymat, byte[] packet) {
        ByteBuf buf = Unpooled.wrappedBuffer(packet.clone());
        try {
            byte[] aad = Arrays.copyOf(packet, 8);
            long iv = ByteBuffer.wrap(packet, 8, 8).getLong();
            assertTrue(new JceAead(algorithm, keymat).open(iv, aad, aad.length, buf, 16, packet.length - 16));
            return buf.getUnsignedByte(16);
        } finally {
            buf.release();
        }
    }

    private static IkeMessage open(IkeMessageProtection protection, byte[] wire) throws Exception {
        return protection.open(IkeMessage.decode(wire), wire).orElseThrow();
    }

    static IkeEncryption encryption(StrongSwanCase fixture) {
        return fixture.name().contains("chacha") ? IkeEncryption.CHACHA20_POLY1305 : IkeEncryption.AES_GCM_16_128;
    }

    static IkeSaKeys keys(StrongSwanCase fixture) {
        return IkeSaKeys.derive(Prf.PRF_HMAC_SHA2_256, encryption(fixture), fixture.hex("ni"), fixture.hex("nr"),
                fixture.hex("g_ir"), Long.parseUnsignedLong(fixture.property("spi_i"), 16),
                Long.parseUnsignedLong(fixture.property("spi_r"), 16));
    }
}
