package espgw.ike.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PrfTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] CASE_1_KEY = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    private static final byte[] CASE_1_DATA = "Hi There".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CASE_2_KEY = "Jefe".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CASE_2_DATA = "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII);

    @Test
    void hmacSha2MatchesRfc4231TestCases1And2() {
        assertEquals("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                HEX.formatHex(Prf.PRF_HMAC_SHA2_256.compute(CASE_1_KEY, CASE_1_DATA)));
        assertEquals("afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
                + "faea9ea9076ede7f4af152e8b2fa9cb6", HEX.formatHex(Prf.PRF_HMAC_SHA2_384.compute(CASE_1_KEY, CASE_1_DATA)));
        assertEquals("87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                + "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
                HEX.formatHex(Prf.PRF_HMAC_SHA2_512.compute(CASE_1_KEY, CASE_1_DATA)));
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                HEX.formatHex(Prf.PRF_HMAC_SHA2_256.compute(CASE_2_KEY, CASE_2_DATA)));
        assertEquals("af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
                + "8e2240ca5e69e2c78b3239ecfab21649", HEX.formatHex(Prf.PRF_HMAC_SHA2_384.compute(CASE_2_KEY, CASE_2_DATA)));
    }

    @Test
    void dataPartsAreConcatenated() {
        assertArrayEquals(Prf.PRF_HMAC_SHA2_256.compute(CASE_2_KEY, CASE_2_DATA), Prf.PRF_HMAC_SHA2_256.compute(
                CASE_2_KEY, Arrays.copyOf(CASE_2_DATA, 5), Arrays.copyOfRange(CASE_2_DATA, 5, CASE_2_DATA.length)));
    }

    @ParameterizedTest
    @EnumSource(Prf.class)
    void prfPlusChainsBlocksAsSection2Point13Says(Prf prf) {
        byte[] key = {1, 2, 3};
        byte[] seed = {4, 5, 6, 7};
        byte[] t1 = prf.compute(key, seed, new byte[] {1});
        byte[] t2 = prf.compute(key, t1, seed, new byte[] {2});
        byte[] t3 = prf.compute(key, t2, seed, new byte[] {3});
        int length = 2 * prf.outputLength() + 5;
        byte[] expected = Arrays.copyOf(IkeSaKeys.concat(t1, t2, t3), length);
        assertArrayEquals(expected, prf.plus(key, seed, length));
    }

    @Test
    void prfPlusStopsAt255Blocks() {
        Prf prf = Prf.PRF_HMAC_SHA2_256;
        assertEquals(255 * 32, prf.plus(new byte[] {1}, new byte[0], 255 * 32).length);
        assertThrows(IllegalArgumentException.class, () -> prf.plus(new byte[] {1}, new byte[0], 255 * 32 + 1));
    }
}
