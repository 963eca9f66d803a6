package espgw.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.message.ExchangeType;
import espgw.ike.message.IdPayload;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.NotifyPayload;
import espgw.ike.message.NotifyType;
import espgw.ike.message.PayloadType;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IkeMessageProtectionTest {
    private static final IkeHeader HEADER = IkeHeader.of(0x1111L, 0x2222L, ExchangeType.IKE_AUTH,
            IkeHeader.FLAG_INITIATOR, 1);
    private static final List<IkePayload> INNER = List.of(IdPayload.fqdn(true, "a.example"),
            NotifyPayload.of(NotifyType.INITIAL_CONTACT));

    @ParameterizedTest
    @EnumSource(IkeEncryption.class)
    void whatOneSideSealsTheOtherOpensAndItsLayoutIsRfc5282(IkeEncryption encryption) throws Exception {
        IkeSaKeys keys = randomKeys(encryption);
        IkeMessageProtection initiator = new IkeMessageProtection(keys, true);
        IkeMessageProtection responder = new IkeMessageProtection(keys, false);
        byte[] first = initiator.seal(HEADER, INNER);
        byte[] second = initiator.seal(HEADER, INNER);
        IkeMessage outer = IkeMessage.decode(first);
        assertEquals(PayloadType.ENCRYPTED_AND_AUTHENTICATED, outer.header().nextPayload());
        // header, SK header, IV, IDi (4 + 4 + 9), N (4 + 4), Pad Length, ICV
        assertEquals(28 + 4 + 8 + 17 + 8 + 1 + 16, first.length);
        assertFalse(java.util.Arrays.equals(first, second), "a new IV for every message");
        IkeMessage opened = responder.open(outer, first).orElseThrow();
        assertEquals(INNER.size(), opened.payloads().size());
        assertEquals("a.example", opened.first(IdPayload.class).orElseThrow().display());
        assertEquals(HEADER.messageId(), opened.header().messageId());
        assertTrue(initiator.open(outer, first).isEmpty(), "the sender's inbound key is the other one");
        assertTrue(responder.open(IkeMessage.decode(second), second).isPresent());
        byte[] reply = responder.seal(HEADER, List.of());
        assertTrue(initiator.open(IkeMessage.decode(reply), reply).orElseThrow().payloads().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(IkeEncryption.class)
    void anyFlippedBitFailsTheIcvOrTheSyntaxAndNothingElse(IkeEncryption encryption) throws Exception {
        IkeSaKeys keys = randomKeys(encryption);
        byte[] sealed = new IkeMessageProtection(keys, true).seal(HEADER, INNER);
        IkeMessageProtection responder = new IkeMessageProtection(keys, false);
        for (int i = 0; i < sealed.length; i++) {
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;
            try {
                assertTrue(responder.open(IkeMessage.decode(tampered), tampered).isEmpty(), "octet " + i);
            } catch (IkeProtocolException e) {
                assertTrue(i < 32, "only the unauthenticated parse of the headers may fail: octet " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(IkeEncryption.class)
    void paddingIsSkippedAPadLengthBeyondThePlaintextIsInvalidSyntaxAndNoSkIsDropped(IkeEncryption encryption)
            throws Exception {
        IkeSaKeys keys = randomKeys(encryption);
        IkeMessageProtection responder = new IkeMessageProtection(keys, false);
        // A Notify (8 octets) then 3 octets of padding and Pad Length 3, sealed by hand.
        byte[] padded = sealByHand(keys, "0000000800004000" + "aabbcc" + "03");
        assertEquals(List.of(NotifyPayload.of(NotifyType.INITIAL_CONTACT).toString()),
                responder.open(IkeMessage.decode(padded), padded).orElseThrow().payloads().stream()
                        .map(Object::toString).toList());
        byte[] overlong = sealByHand(keys, "0000000800004000" + "aabbcc" + "0c");
        assertEquals(NotifyType.INVALID_SYNTAX, assertThrows(IkeProtocolException.class,
                () -> responder.open(IkeMessage.decode(overlong), overlong)).notifyType());
        IkeMessage noSk = new IkeMessage(HEADER, List.of(NotifyPayload.of(NotifyType.INITIAL_CONTACT)));
        assertTrue(responder.open(noSk, noSk.encode()).isEmpty(), "nothing authenticates it: dropped");
    }

    /** RFC 5282's layout written out independently of IkeMessageProtection: first inner payload N. */
    private static byte[] sealByHand(IkeSaKeys keys, String plaintextHex) {
        byte[] plaintext = java.util.HexFormat.of().parseHex(plaintextHex);
        int skLength = 4 + 8 + plaintext.length + 16;
        io.netty.buffer.ByteBuf buf = io.netty.buffer.Unpooled.buffer();
        try {
            new IkeHeader(HEADER.initiatorSpi(), HEADER.responderSpi(), PayloadType.ENCRYPTED_AND_AUTHENTICATED,
                    HEADER.exchangeType(), HEADER.flags(), HEADER.messageId(), 28 + skLength).encode(buf);
            buf.writeByte(PayloadType.NOTIFY).writeByte(0).writeShort(skLength).writeLong(77).writeBytes(plaintext)
                    .writeZero(16);
            byte[] aad = io.netty.buffer.ByteBufUtil.getBytes(buf, 0, 32);
            new espgw.crypto.JceAead(keys.encryption().aead(), keys.skEi()).seal(77, aad, 32, buf, 40,
                    plaintext.length);
            return io.netty.buffer.ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @EnumSource(IkeEncryption.class)
    void keysNeverShowInToString(IkeEncryption encryption) {
        IkeSaKeys keys = randomKeys(encryption);
        String hex = java.util.HexFormat.of().formatHex(keys.skEi()).substring(0, 8);
        assertFalse(keys.toString().contains(hex));
        assertFalse(new IkeMessageProtection(keys, true).toString().contains(hex));
    }

    static IkeSaKeys randomKeys(IkeEncryption encryption) {
        SecureRandom random = new SecureRandom();
        byte[] ni = new byte[32];
        byte[] nr = new byte[32];
        byte[] gir = new byte[32];
        random.nextBytes(ni);
        random.nextBytes(nr);
        random.nextBytes(gir);
        return IkeSaKeys.derive(Prf.PRF_HMAC_SHA2_256, encryption, ni, nr, gir, random.nextLong(), random.nextLong());
    }
}
