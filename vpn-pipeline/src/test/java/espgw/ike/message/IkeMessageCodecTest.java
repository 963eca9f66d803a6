package espgw.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IkeMessageCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    /** One message with every payload type espgw knows, as an encoder and a decoder must agree on. */
    static IkeMessage everyPayload() throws Exception {
        Proposal ike = new Proposal(1, ProtocolId.IKE, new byte[0], List.of(
                Transform.withKeyLength(Transform.TYPE_ENCR, Transform.ENCR_AES_GCM_16, 256),
                Transform.of(Transform.TYPE_ENCR, Transform.ENCR_CHACHA20_POLY1305),
                Transform.of(Transform.TYPE_PRF, Transform.PRF_HMAC_SHA2_256),
                Transform.of(Transform.TYPE_DH, Transform.GROUP_CURVE25519)));
        Proposal esp = new Proposal(2, ProtocolId.ESP, new byte[] {1, 2, 3, 4}, List.of(
                Transform.withKeyLength(Transform.TYPE_ENCR, Transform.ENCR_AES_GCM_16, 128),
                Transform.of(Transform.TYPE_ESN, Transform.ESN_YES),
                Transform.of(Transform.TYPE_ESN, Transform.ESN_NO)));
        Inet4Address a = (Inet4Address) InetAddress.getByName("10.0.0.0");
        Inet4Address b = (Inet4Address) InetAddress.getByName("10.0.0.255");
        return new IkeMessage(IkeHeader.of(0x0102030405060708L, 0, ExchangeType.IKE_SA_INIT,
                IkeHeader.FLAG_INITIATOR, 0), List.of(
                new SaPayload(List.of(ike, esp)),
                new KePayload(Transform.GROUP_CURVE25519, new byte[32]),
                new NoncePayload(new byte[32]),
                NotifyPayload.of(NotifyType.NAT_DETECTION_SOURCE_IP, new byte[20]),
                new NotifyPayload(ProtocolId.ESP, new byte[] {9, 9, 9, 9}, NotifyType.REKEY_SA, new byte[0]),
                IdPayload.fqdn(true, "client.example"),
                IdPayload.ipv4(false, a),
                IdPayload.rfc822(true, "me@example.org"),
                IdPayload.keyId(true, new byte[] {7, 7}),
                IdPayload.derAsn1Dn(false, new byte[] {0x30, 0}),
                new CertPayload(CertPayload.X509_CERTIFICATE_SIGNATURE, new byte[] {0x30, 0x03, 1, 2, 3}),
                new CertRequestPayload(CertPayload.X509_CERTIFICATE_SIGNATURE, new byte[20]),
                new AuthPayload(AuthPayload.SHARED_KEY_MESSAGE_INTEGRITY_CODE, new byte[32]),
                new DeletePayload(ProtocolId.ESP, 4, List.of(new byte[] {1, 2, 3, 4}, new byte[] {5, 6, 7, 8})),
                DeletePayload.ikeSa(),
                new VendorIdPayload("espgw".getBytes()),
                new TrafficSelectorPayload(true, List.of(TrafficSelector.ipv4Range(a, b))),
                new TrafficSelectorPayload(false, List.of(TrafficSelector.ipv4Prefix(0x0a000100, 24),
                        new TrafficSelector(TrafficSelector.TS_IPV4_ADDR_RANGE, 17, 500, 500, a.getAddress(),
                                a.getAddress()))),
                new UnknownPayload(PayloadType.CONFIGURATION, new byte[] {1, 0, 0, 0}),
                new EncryptedPayload(PayloadType.IDENTIFICATION_INITIATOR, new byte[40])));
    }

    @Test
    void everyPayloadSurvivesEncodeDecodeEncode() throws Exception {
        byte[] encoded = everyPayload().encode();
        IkeMessage decoded = IkeMessage.decode(encoded);
        assertEquals(everyPayload().payloads().size(), decoded.payloads().size());
        assertArrayEquals(encoded, decoded.encode());
        assertEquals(encoded.length, decoded.header().length());
        assertEquals(PayloadType.SECURITY_ASSOCIATION, decoded.header().nextPayload());
        assertTrue(decoded.header().isInitiator());
        SaPayload sa = decoded.first(SaPayload.class).orElseThrow();
        assertEquals(256, sa.proposals().get(0).transforms().get(0).keyLength());
        assertEquals(0x01020304, sa.proposals().get(1).spiAsInt());
        assertEquals(2, sa.proposals().get(1).transformsOfType(Transform.TYPE_ESN).size());
        assertEquals("client.example", decoded.first(IdPayload.class).orElseThrow().display());
        assertEquals("10.0.0.0-10.0.0.255",
                decoded.first(TrafficSelectorPayload.class).orElseThrow().selectors().get(0).toString());
        assertEquals(PayloadType.IDENTIFICATION_INITIATOR,
                decoded.first(EncryptedPayload.class).orElseThrow().firstInnerPayload());
    }

    @Test
    void headerAndPayloadsHaveTheRfcLayout() throws Exception {
        IkeMessage message = new IkeMessage(IkeHeader.of(0x1122334455667788L, 0x99aabbccddeeff00L,
                ExchangeType.IKE_AUTH, IkeHeader.FLAG_RESPONSE, 1), List.of(
                NotifyPayload.of(NotifyType.INVALID_KE_PAYLOAD, new byte[] {0, 19}),
                new SaPayload(List.of(new Proposal(1, ProtocolId.IKE, new byte[0], List.of(
                        Transform.withKeyLength(Transform.TYPE_ENCR, Transform.ENCR_AES_GCM_16, 128)))))));
        String expected = "1122334455667788" + "99aabbccddeeff00" // SPIs
                + "29" + "20" + "23" + "20" + "00000001" + "0000003e" // N, 2.0, IKE_AUTH, R, #1, 62 octets
                + "21" + "00" + "000a" + "00" + "00" + "0011" + "0013" // N -> SA: INVALID_KE_PAYLOAD, group 19
                + "00" + "00" + "0018" // SA, last
                + "00" + "00" + "0014" + "01" + "01" + "00" + "01" // last proposal, #1, IKE, no SPI, 1 transform
                + "00" + "00" + "000c" + "01" + "00" + "0014" + "800e0080"; // ENCR_AES_GCM_16, Key Length 128
        assertEquals(expected, HEX.formatHex(message.encode()));
        assertArrayEquals(message.encode(), IkeMessage.decode(HEX.parseHex(expected)).encode());
    }

    @Test
    void decodesFromAByteBufWithoutMovingOrReleasingIt() throws Exception {
        byte[] encoded = everyPayload().encode();
        ByteBuf buf = Unpooled.directBuffer().writeZero(3).writeBytes(encoded);
        buf.readerIndex(3);
        IkeMessage decoded = IkeMessage.decode(buf);
        assertEquals(3, buf.readerIndex());
        assertEquals(1, buf.refCnt());
        assertArrayEquals(encoded, decoded.encode());
        buf.release();
    }

    @Test
    void anUnknownCriticalPayloadIsAnsweredWithItsType() {
        byte[] message = withUnknownPayload(true);
        IkeProtocolException e = assertThrows(IkeProtocolException.class, () -> IkeMessage.decode(message));
        assertEquals(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, e.notifyType());
        assertArrayEquals(new byte[] {(byte) 200}, e.notifyData());
        assertEquals(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, e.toNotify().notifyType());
    }

    @Test
    void anUnknownPayloadWithoutTheCriticalBitIsSkipped() throws Exception {
        IkeMessage decoded = IkeMessage.decode(withUnknownPayload(false));
        assertInstanceOf(UnknownPayload.class, decoded.payloads().get(0));
        assertInstanceOf(NoncePayload.class, decoded.payloads().get(1));
    }

    @Test
    void anotherMajorVersionIsAnsweredWithInvalidMajorVersion() throws Exception {
        byte[] message = everyPayload().encode();
        message[17] = 0x30;
        IkeProtocolException e = assertThrows(IkeProtocolException.class, () -> IkeMessage.decode(message));
        assertEquals(NotifyType.INVALID_MAJOR_VERSION, e.notifyType());
    }

    @Test
    void aLengthFieldThatDisagreesWithTheDatagramIsInvalidSyntax() throws Exception {
        byte[] message = everyPayload().encode();
        byte[] longer = java.util.Arrays.copyOf(message, message.length + 1);
        assertEquals(NotifyType.INVALID_SYNTAX,
                assertThrows(IkeProtocolException.class, () -> IkeMessage.decode(longer)).notifyType());
    }

    @Test
    void aNonceOutsideSixteenTo256OctetsIsInvalidSyntax() {
        for (int length : new int[] {15, 257}) {
            IkeMessage message = new IkeMessage(IkeHeader.of(1, 0, ExchangeType.IKE_SA_INIT, 0, 0),
                    List.of(new VendorIdPayload(new byte[length])));
            byte[] bytes = message.encode();
            bytes[16] = (byte) PayloadType.NONCE;
            IkeProtocolException e = assertThrows(IkeProtocolException.class, () -> IkeMessage.decode(bytes));
            assertEquals(NotifyType.INVALID_SYNTAX, e.notifyType(), e.getMessage());
        }
    }

    @Test
    void everyTruncationIsInvalidSyntaxAndNeverAnIndexError() throws Exception {
        byte[] message = everyPayload().encode();
        for (int length = 0; length < message.length; length++) {
            byte[] truncated = java.util.Arrays.copyOf(message, length);
            if (length >= IkeHeader.LENGTH) {
                // Make the header agree, so the payload parser meets the truncation.
                Unpooled.wrappedBuffer(truncated).setInt(24, length);
            }
            IkeProtocolException e = assertThrows(IkeProtocolException.class, () -> IkeMessage.decode(truncated),
                    "length " + length);
            assertEquals(NotifyType.INVALID_SYNTAX, e.notifyType(), e.getMessage());
        }
    }

    @Test
    void randomCorruptionEndsInAProtocolErrorOrAValidMessageNeverAnotherException() throws Exception {
        byte[] message = everyPayload().encode();
        Random random = new Random(7296);
        int rejected = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] corrupt = message.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                corrupt[IkeHeader.LENGTH + random.nextInt(corrupt.length - IkeHeader.LENGTH)] = (byte) random.nextInt();
            }
            try {
                IkeMessage decoded = IkeMessage.decode(corrupt);
                assertArrayEquals(decoded.encode(), IkeMessage.decode(decoded.encode()).encode());
            } catch (IkeProtocolException expected) {
                rejected++;
            }
        }
        // Many flips land in opaque data (nonces, keys) and leave a valid message; the rest must be caught.
        assertTrue(rejected > 1_000, "corruptions caught: " + rejected);
    }

    @Test
    void transformsKeepUnknownAttributesAndSayTheyHaveThem() throws Exception {
        Transform odd = new Transform(Transform.TYPE_ENCR, Transform.ENCR_AES_GCM_16, 128,
                HEX.parseHex("0001000201ff"));
        IkeMessage message = new IkeMessage(IkeHeader.of(1, 0, ExchangeType.IKE_SA_INIT, 0, 0),
                List.of(new SaPayload(List.of(new Proposal(1, ProtocolId.IKE, new byte[0], List.of(odd))))));
        Transform decoded = IkeMessage.decode(message.encode()).first(SaPayload.class).orElseThrow()
                .proposals().get(0).transforms().get(0);
        assertEquals(odd, decoded);
        assertTrue(decoded.hasUnknownAttributes());
        assertEquals(false, decoded.sameAs(Transform.withKeyLength(Transform.TYPE_ENCR, Transform.ENCR_AES_GCM_16,
                128)));
    }

    private static byte[] withUnknownPayload(boolean critical) {
        IkeMessage message = new IkeMessage(IkeHeader.of(1, 0, ExchangeType.IKE_SA_INIT, IkeHeader.FLAG_INITIATOR, 0),
                List.of(new UnknownPayload(200, new byte[] {1, 2, 3}), new NoncePayload(new byte[16])));
        byte[] bytes = message.encode();
        bytes[IkeHeader.LENGTH + 1] = (byte) (critical ? PayloadChain.CRITICAL : 0);
        return bytes;
    }
}
