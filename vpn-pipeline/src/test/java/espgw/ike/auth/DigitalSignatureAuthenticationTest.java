package espgw.ike.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import espgw.ike.auth.AuthenticationException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Authentication Method 14 (RFC 7427 §3): round trips, and each way a signature is refused. */
class DigitalSignatureAuthenticationTest {
    private static final byte[] OCTETS = "RealMessage1 | NonceRData | prf(SK_pi, IDi')".getBytes(StandardCharsets.US_ASCII);

    @Test
    void algorithmIdentifiersAreTheDerOfTheirOids() throws Exception {
        // RFC 8420 §3 and RFC 7427 appendix A.4.3: no parameters, not even NULL
        assertArrayEquals(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519).getEncoded(ASN1Encoding.DER),
                SignatureAlgorithm.ED25519.algorithmIdentifier());
        assertArrayEquals(new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256).getEncoded(ASN1Encoding.DER),
                SignatureAlgorithm.ECDSA_P256_SHA256.algorithmIdentifier());
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void signatureVerifiesWithThePublicKey(SignatureAlgorithm algorithm) throws Exception {
        KeyPair keys = Keys.generate(algorithm);

        byte[] authData = DigitalSignatureAuthentication.sign(keys.getPrivate(), OCTETS);

        byte[] algorithmIdentifier = algorithm.algorithmIdentifier();
        assertEquals(algorithmIdentifier.length, authData[0]);
        assertArrayEquals(algorithmIdentifier, Arrays.copyOfRange(authData, 1, 1 + algorithmIdentifier.length));
        DigitalSignatureAuthentication.verify(keys.getPublic(), OCTETS, authData);
    }

    @Test
    void ed25519SignatureIsThe64OctetsOfPureEdDsa() {
        KeyPair keys = Keys.generate(SignatureAlgorithm.ED25519);
        assertEquals(1 + 7 + 64, DigitalSignatureAuthentication.sign(keys.getPrivate(), OCTETS).length);
    }

    @Test
    void ecdsaSignatureIsDer() {
        byte[] authData = DigitalSignatureAuthentication.sign(Keys.generate(SignatureAlgorithm.ECDSA_P256_SHA256).getPrivate(),
                OCTETS);
        int signatureAt = 1 + 12;
        assertEquals(0x30, authData[signatureAt] & 0xff, "ECDSA-Sig-Value is a SEQUENCE");
        assertEquals(authData.length - signatureAt - 2, authData[signatureAt + 1], "of the rest of the data");
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void otherOctetsAreABadSignature(SignatureAlgorithm algorithm) {
        KeyPair keys = Keys.generate(algorithm);
        byte[] authData = DigitalSignatureAuthentication.sign(keys.getPrivate(), OCTETS);
        byte[] other = OCTETS.clone();
        other[0] ^= 1;

        assertFails(Reason.BAD_SIGNATURE, keys, other, authData);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void anotherKeyOfTheSameAlgorithmIsABadSignature(SignatureAlgorithm algorithm) {
        byte[] authData = DigitalSignatureAuthentication.sign(Keys.generate(algorithm).getPrivate(), OCTETS);

        assertFails(Reason.BAD_SIGNATURE, Keys.generate(algorithm), OCTETS, authData);
    }

    @ParameterizedTest
    @EnumSource(SignatureAlgorithm.class)
    void aFlippedSignatureBitIsABadSignature(SignatureAlgorithm algorithm) {
        KeyPair keys = Keys.generate(algorithm);
        byte[] authData = DigitalSignatureAuthentication.sign(keys.getPrivate(), OCTETS);
        authData[authData.length - 1] ^= 1;

        assertFails(Reason.BAD_SIGNATURE, keys, OCTETS, authData);
    }

    @Test
    void ecdsaGarbageInsteadOfDerIsABadSignature() {
        KeyPair keys = Keys.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
        byte[] authData = withSignature(SignatureAlgorithm.ECDSA_P256_SHA256, new byte[64]);

        assertFails(Reason.BAD_SIGNATURE, keys, OCTETS, authData);
    }

    @Test
    void ed25519NamedForAnEcdsaKeyIsAMismatch() {
        byte[] ed25519AuthData = DigitalSignatureAuthentication.sign(Keys.generate(SignatureAlgorithm.ED25519).getPrivate(),
                OCTETS);

        assertFails(Reason.ALGORITHM_KEY_MISMATCH, Keys.generate(SignatureAlgorithm.ECDSA_P256_SHA256), OCTETS,
                ed25519AuthData);
    }

    @Test
    void ecdsaWithSha256OnP384IsAMismatch() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair p384 = generator.generateKeyPair();
        byte[] authData = withSignature(SignatureAlgorithm.ECDSA_P256_SHA256, new byte[72]);

        assertFails(Reason.ALGORITHM_KEY_MISMATCH, p384, OCTETS, authData);
        assertThrows(IllegalArgumentException.class, () -> DigitalSignatureAuthentication.sign(p384.getPrivate(), OCTETS));
    }

    @Test
    void unknownAlgorithmIdentifiersAreRefused() {
        KeyPair keys = Keys.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
        HexFormat hex = HexFormat.of();
        // ecdsa-with-SHA384, and ecdsa-with-SHA256 with NULL parameters (RFC 5758 §3.2 says absent)
        for (String algorithmIdentifier : new String[] {"300a06082a8648ce3d040303", "300c06082a8648ce3d0403020500"}) {
            byte[] id = hex.parseHex(algorithmIdentifier);
            byte[] authData = new byte[1 + id.length + 70];
            authData[0] = (byte) id.length;
            System.arraycopy(id, 0, authData, 1, id.length);
            assertFails(Reason.UNSUPPORTED_SIGNATURE_ALGORITHM, keys, OCTETS, authData);
        }
    }

    @Test
    void truncatedAuthDataIsMalformed() {
        KeyPair keys = Keys.generate(SignatureAlgorithm.ED25519);
        byte[] authData = DigitalSignatureAuthentication.sign(keys.getPrivate(), OCTETS);

        assertFails(Reason.MALFORMED_AUTH_DATA, keys, OCTETS, new byte[0]);
        assertFails(Reason.MALFORMED_AUTH_DATA, keys, OCTETS, Arrays.copyOf(authData, 8));
        byte[] lengthTooLong = authData.clone();
        lengthTooLong[0] = (byte) 0xff;
        assertFails(Reason.MALFORMED_AUTH_DATA, keys, OCTETS, lengthTooLong);
    }

    private static byte[] withSignature(SignatureAlgorithm algorithm, byte[] signature) {
        byte[] id = algorithm.algorithmIdentifier();
        byte[] authData = new byte[1 + id.length + signature.length];
        authData[0] = (byte) id.length;
        System.arraycopy(id, 0, authData, 1, id.length);
        System.arraycopy(signature, 0, authData, 1 + id.length, signature.length);
        return authData;
    }

    private static void assertFails(Reason reason, KeyPair peer, byte[] octets, byte[] authData) {
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> DigitalSignatureAuthentication.verify(peer.getPublic(), octets, authData));
        assertEquals(reason, e.reason(), e::getMessage);
    }
}
