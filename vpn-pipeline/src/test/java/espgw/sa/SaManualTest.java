package espgw.sa;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.crypto.AeadAlgorithm;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Validation of manual SA definitions, and keys kept out of every string. */
class SaManualTest {
    private static final String KEY_128 = "0x4c80cdefbb5d10da906ac73c3613a6342e443b68";
    private static final String KEY_256 = "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3";

    @Test
    void validDefinitions() {
        ManualSa gcm = ManualSa.of("0x0000c0de", "aes-gcm-128", KEY_128, false, 4096);
        assertEquals(0xc0de, gcm.spi());
        assertEquals(AeadAlgorithm.AES_GCM_128, gcm.algorithm());
        assertArrayEquals(HexFormat.of().parseHex(KEY_128.substring(2)), gcm.keymat());
        ManualSa chacha = ManualSa.of("FFFFFFFF", "ChaCha20-Poly1305", KEY_256.toUpperCase(Locale.ROOT), true, 64);
        assertEquals(0xFFFF_FFFF, chacha.spi());
        assertTrue(chacha.esn());
        assertEquals(64, chacha.replayWindow());
        SecurityAssociation sa = chacha.toBuilder(Direction.INBOUND).build();
        assertEquals(64, sa.replayWindow().size());
        assertTrue(sa.esn());
        assertEquals(AeadAlgorithm.CHACHA20_POLY1305, sa.algorithm());
    }

    @ParameterizedTest(name = "{4}")
    @CsvSource(delimiter = '|', value = {
        "0           | aes-gcm-128 | " + KEY_128 + " | 64   | spi: 0 is reserved",
        "0xff        | aes-gcm-128 | " + KEY_128 + " | 64   | reserved by IANA",
        "0x1g00      | aes-gcm-128 | " + KEY_128 + " | 64   | not hexadecimal",
        "0x123456789 | aes-gcm-128 | " + KEY_128 + " | 64   | 1 to 8 hex digits",
        "''          | aes-gcm-128 | " + KEY_128 + " | 64   | 1 to 8 hex digits",
        "0x100       | aes-gcm-512 | " + KEY_128 + " | 64   | expected one of aes-gcm-128, aes-gcm-192, aes-gcm-256, chacha20-poly1305",
        "0x100       | aes-gcm-256 | " + KEY_128 + " | 64   | aes-gcm-256 needs 72 hex digits (32-octet key followed by a 4-octet salt), got 40",
        "0x100       | aes-gcm-128 | 0x4c80cdefbb5d10da906ac73c3613a634 | 64 | needs 40 hex digits",
        "0x100       | aes-gcm-128 | 0x4c80cdefbb5d10da906ac73c3613a6342e443bZ8 | 64 | character 39 (after any 0x) is not a hex digit",
        "0x100       | aes-gcm-128 | " + KEY_128 + " | 100  | replay window: must be a multiple of 64",
        "0x100       | aes-gcm-128 | " + KEY_128 + " | 0    | replay window",
    })
    void invalidDefinitionsSayWhatIsWrongWithoutTheKey(String spi, String algorithm, String key, int window,
            String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ManualSa.of(spi, algorithm, key, false, window));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("cdefbb5d"), "key material in: " + e.getMessage());
    }

    @Test
    void noStringCarriesKeyMaterial() {
        ManualSa manual = ManualSa.of("0x1234", "aes-gcm-128", KEY_128, true, 1024);
        SecurityAssociation sa = manual.toBuilder(Direction.OUTBOUND).sequenceStore(new MemorySequenceStore()).build();
        for (String text : new String[] {manual.toString(), sa.toString(), sa.aead().toString()}) {
            String lower = text.toLowerCase(Locale.ROOT);
            assertFalse(lower.contains("4c80cd"), text);
            assertFalse(lower.contains("2e443b68"), "salt in " + text);
            assertFalse(lower.contains("[76, -128"), "key as byte array in " + text);
        }
        assertEquals("ManualSa[spi=0x00001234 aes-gcm-128 esn window=1024 key=<redacted>]", manual.toString());
        assertEquals("SA[0x00001234 OUTBOUND aes-gcm-128 esn local=- peer=-]", sa.toString());
    }
}
