package espgw.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.auth.SignatureHashAlgorithms.HashAlgorithm;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SIGNATURE_HASH_ALGORITHMS notification data (RFC 7427 §4). */
class SignatureHashAlgorithmsTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void weSendSha256ForEcdsaAndIdentityForEd25519() {
        assertEquals(EnumSet.of(HashAlgorithm.SHA2_256, HashAlgorithm.IDENTITY), SignatureHashAlgorithms.supported());
        assertArrayEquals(HEX.parseHex("00020005"), SignatureHashAlgorithms.encode(SignatureHashAlgorithms.supported()));
    }

    @Test
    void charonsListLetsUsSignWithEither() {
        // what charon 5.9.8 sends (fixtures README): 2 3 4 5
        Set<HashAlgorithm> charon = SignatureHashAlgorithms.decode(HEX.parseHex("0002000300040005"));

        assertEquals(EnumSet.of(HashAlgorithm.SHA2_256, HashAlgorithm.SHA2_384, HashAlgorithm.SHA2_512,
                HashAlgorithm.IDENTITY), charon);
        for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
            assertTrue(SignatureHashAlgorithms.peerAccepts(algorithm, charon), algorithm::toString);
        }
    }

    @Test
    void withoutIdentityThereIsNoEd25519() {
        Set<HashAlgorithm> sha2Only = SignatureHashAlgorithms.decode(HEX.parseHex("00020003"));

        assertFalse(SignatureHashAlgorithms.peerAccepts(SignatureAlgorithm.ED25519, sha2Only));
        assertTrue(SignatureHashAlgorithms.peerAccepts(SignatureAlgorithm.ECDSA_P256_SHA256, sha2Only));
        assertFalse(SignatureHashAlgorithms.peerAccepts(SignatureAlgorithm.ECDSA_P256_SHA256, Set.of()));
    }

    @Test
    void unknownValuesAndAnOddTrailingOctetAreSkipped() {
        assertEquals(EnumSet.of(HashAlgorithm.IDENTITY, HashAlgorithm.SHA1),
                SignatureHashAlgorithms.decode(HEX.parseHex("0000" + "ffff" + "0005" + "0001" + "02")));
        assertEquals(Set.of(), SignatureHashAlgorithms.decode(new byte[0]));
    }
}
