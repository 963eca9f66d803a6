package espgw.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.NotifyType;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class KeyExchangeKnownAnswerTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void x25519MatchesRfc7748Section6Point1BothWays() throws Exception {
        byte[] alicePublic = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
        byte[] bobPublic = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
        KeyExchange alice = Curve25519KeyExchange.fromPrivate(
                HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"), alicePublic);
        KeyExchange bob = Curve25519KeyExchange.fromPrivate(
                HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"), bobPublic);
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertEquals(shared, HEX.formatHex(alice.sharedSecret(bobPublic)));
        assertEquals(shared, HEX.formatHex(bob.sharedSecret(alicePublic)));
    }

    @Test
    void x25519MatchesRfc7748Section5Point2() throws Exception {
        KeyExchange k = Curve25519KeyExchange.fromPrivate(
                HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"), new byte[32]);
        assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", HEX.formatHex(
                k.sharedSecret(HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))));
    }

    @Test
    void ecp256MatchesRfc5903Section8Point1BothWaysWithXOnlyAsTheSecret() throws Exception {
        byte[] gi = HEX.parseHex("dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
                + "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3");
        byte[] gr = HEX.parseHex("d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
                + "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab");
        KeyExchange i = Ecp256KeyExchange.fromPrivate(
                HEX.parseHex("c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433"), gi);
        KeyExchange r = Ecp256KeyExchange.fromPrivate(
                HEX.parseHex("c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53"), gr);
        String girx = "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de";
        assertEquals(girx, HEX.formatHex(i.sharedSecret(gr)));
        assertEquals(girx, HEX.formatHex(r.sharedSecret(gi)));
    }

    @ParameterizedTest
    @EnumSource(KeyExchangeGroup.class)
    void freshKeyPairsAgreeAndHaveTheGroupsLength(KeyExchangeGroup group) throws Exception {
        SecureRandom random = new SecureRandom();
        for (int round = 0; round < 20; round++) {
            KeyExchange a = group.newKeyExchange(random);
            KeyExchange b = group.newKeyExchange(random);
            assertEquals(group.keyExchangeDataLength(), a.publicValue().length);
            assertArrayEquals(a.sharedSecret(b.publicValue()), b.sharedSecret(a.publicValue()));
            assertEquals(32, a.sharedSecret(b.publicValue()).length);
        }
    }

    @ParameterizedTest
    @EnumSource(KeyExchangeGroup.class)
    void aPeerValueOfTheWrongLengthIsInvalidSyntax(KeyExchangeGroup group) {
        KeyExchange k = group.newKeyExchange(new SecureRandom());
        for (int length : new int[] {0, group.keyExchangeDataLength() - 1, group.keyExchangeDataLength() + 1}) {
            IkeProtocolException e = assertThrows(IkeProtocolException.class, () -> k.sharedSecret(new byte[length]));
            assertEquals(NotifyType.INVALID_SYNTAX, e.notifyType());
        }
    }

    @Test
    void anEcpPointOffTheCurveIsRefused() {
        KeyExchange k = KeyExchangeGroup.ECP_256.newKeyExchange(new SecureRandom());
        byte[] value = KeyExchangeGroup.ECP_256.newKeyExchange(new SecureRandom()).publicValue();
        value[63] ^= 1;
        assertEquals(NotifyType.INVALID_SYNTAX,
                assertThrows(IkeProtocolException.class, () -> k.sharedSecret(value)).notifyType());
    }

    @Test
    void anX25519PointOfSmallOrderIsRefused() {
        KeyExchange k = KeyExchangeGroup.CURVE25519.newKeyExchange(new SecureRandom());
        // u = 0 and u = 1 have small order: the result would be all zero (RFC 8031 §2 says reject).
        byte[] one = new byte[32];
        one[0] = 1;
        for (byte[] u : new byte[][] {new byte[32], one}) {
            assertEquals(NotifyType.INVALID_SYNTAX,
                    assertThrows(IkeProtocolException.class, () -> k.sharedSecret(u)).notifyType());
        }
    }

    @Test
    void toStringNamesNoKey() {
        assertEquals("KeyExchange[CURVE25519]",
                KeyExchangeGroup.CURVE25519.newKeyExchange(new SecureRandom()).toString());
    }
}
