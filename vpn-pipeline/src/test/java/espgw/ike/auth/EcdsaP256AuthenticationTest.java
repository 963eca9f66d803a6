package espgw.ike.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.auth.AuthenticationException.Reason;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.spec.ECNamedCurveParameterSpec;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.Test;

/**
 * Authentication Method 9 (RFC 4754): the Authentication Data is r||s, 64 octets, and agrees with
 * an independent ECDSA (BouncyCastle's) and RFC 4754's own test vector; each way it is refused.
 */
class EcdsaP256AuthenticationTest {
    private static final byte[] OCTETS = "RealMessage1 | NonceRData | prf(SK_pi, IDi')"
            .getBytes(StandardCharsets.US_ASCII);
    private static final ECNamedCurveParameterSpec P256 = ECNamedCurveTable.getParameterSpec("secp256r1");
    private static final ECDomainParameters DOMAIN = new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(),
            P256.getH());

    /** RFC 4754 §8.1: the ECDSA-256 key pair, message and signature (r||s, as in an AUTH payload). */
    private static final String RFC4754_W = "DC51D3866A15BACDE33D96F992FCA99DA7E6EF0934E7097559C27F1614C88A7F";
    private static final String RFC4754_GWX = "2442A5CC0ECD015FA3CA31DC8E2BBC70BF42D60CBCA20085E0822CB04235E970";
    private static final String RFC4754_GWY = "6FC98BD7E50211A4A27102FA3549DF79EBCB4BF246B80945CDDFE7D509BBFD7D";
    private static final byte[] RFC4754_MESSAGE = "abc".getBytes(StandardCharsets.US_ASCII);
    private static final String RFC4754_SIGNATURE = "CB28E0999B9C7715FD0A80D8E47A77079716CBBF917DD72E97566EA1C066957C"
            + "86FA3BB4E26CAD5BF90B7F81899256CE7594BB1EA0C89212748BFF3B3D5B0315";

    @Test
    void ourSignatureIsRAndSThatBouncyCastleVerifies() throws Exception {
        KeyPair keys = Keys.generate(SignatureAlgorithm.ECDSA_P256_SHA256);

        byte[] authData = EcdsaP256Authentication.sign(keys.getPrivate(), OCTETS);

        assertEquals(EcdsaP256Authentication.SIGNATURE_LENGTH, authData.length);
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(authData, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(authData, 32, 64));
        ECDSASigner verifier = new ECDSASigner();
        verifier.init(false, bouncyCastleKey((ECPublicKey) keys.getPublic()));
        assertTrue(verifier.verifySignature(sha256(OCTETS), r, s), "BouncyCastle verifies our r and s");
        byte[] other = OCTETS.clone();
        other[0] ^= 1;
        assertFalse(verifier.verifySignature(sha256(other), r, s), "and only over the octets we signed");
        EcdsaP256Authentication.verify(keys.getPublic(), OCTETS, authData);
    }

    @Test
    void aBouncyCastleSignatureAsRAndSVerifies() throws Exception {
        KeyPair keys = Keys.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
        // RFC 6979 nonces: a signer that shares nothing with the JDK's
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(((ECPrivateKey) keys.getPrivate()).getS(), DOMAIN));
        BigInteger[] rs = signer.generateSignature(sha256(OCTETS));
        byte[] authData = concat(BigIntegers.asUnsignedByteArray(32, rs[0]),
                BigIntegers.asUnsignedByteArray(32, rs[1]));

        EcdsaP256Authentication.verify(keys.getPublic(), OCTETS, authData);
    }

    @Test
    void rfc4754TestVectorVerifiesAndFailsWhenAltered() throws Exception {
        HexFormat hex = HexFormat.of();
        ECParameterSpec p256 = p256();
        PublicKey gw = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                new ECPoint(new BigInteger(RFC4754_GWX, 16), new BigInteger(RFC4754_GWY, 16)), p256));
        ECPrivateKey w = (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(
                new ECPrivateKeySpec(new BigInteger(RFC4754_W, 16), p256));
        assertEquals(gw, Keys.publicKeyOf(w), "the vector's public key is its private key's");
        byte[] signature = hex.parseHex(RFC4754_SIGNATURE.toLowerCase());

        EcdsaP256Authentication.verify(gw, RFC4754_MESSAGE, signature);
        signature[63] ^= 1;
        assertFails(Reason.BAD_SIGNATURE, gw, RFC4754_MESSAGE, signature);
    }

    @Test
    void aTamperedSignatureOtherOctetsOrAnotherKeyFail() {
        KeyPair keys = Keys.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
        byte[] authData = EcdsaP256Authentication.sign(keys.getPrivate(), OCTETS);
        byte[] tampered = authData.clone();
        tampered[10] ^= 1;
        byte[] other = OCTETS.clone();
        other[other.length - 1] ^= 1;

        assertFails(Reason.BAD_SIGNATURE, keys.getPublic(), OCTETS, tampered);
        assertFails(Reason.BAD_SIGNATURE, keys.getPublic(), other, authData);
        assertFails(Reason.BAD_SIGNATURE, Keys.generate(SignatureAlgorithm.ECDSA_P256_SHA256).getPublic(), OCTETS,
                authData);
    }

    @Test
    void rOrSOutOfRangeIsABadSignatureNotAnException() {
        PublicKey key = Keys.generate(SignatureAlgorithm.ECDSA_P256_SHA256).getPublic();
        byte[] ones = new byte[64];
        Arrays.fill(ones, (byte) 0xff);

        assertFails(Reason.BAD_SIGNATURE, key, OCTETS, new byte[64]);
        assertFails(Reason.BAD_SIGNATURE, key, OCTETS, ones);
    }

    @Test
    void aSignatureThatIsNot64OctetsIsMalformed() {
        KeyPair keys = Keys.generate(SignatureAlgorithm.ECDSA_P256_SHA256);
        byte[] authData = EcdsaP256Authentication.sign(keys.getPrivate(), OCTETS);
        // what method 14 carries for the same key: a DER ECDSA-Sig-Value after the AlgorithmIdentifier
        byte[] der = DigitalSignatureAuthentication.sign(keys.getPrivate(), OCTETS);

        for (byte[] wrong : new byte[][] {new byte[0], Arrays.copyOf(authData, 63), Arrays.copyOf(authData, 65),
                Arrays.copyOfRange(der, 13, der.length)}) {
            AuthenticationException e = assertFails(Reason.MALFORMED_AUTH_DATA, keys.getPublic(), OCTETS, wrong);
            assertTrue(e.getMessage().contains(wrong.length + " octets"), e::getMessage);
        }
    }

    @Test
    void method9FromAnEd25519OrP384KeyIsAMismatch() throws Exception {
        byte[] authData = EcdsaP256Authentication.sign(Keys.generate(SignatureAlgorithm.ECDSA_P256_SHA256).getPrivate(),
                OCTETS);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp384r1"));

        AuthenticationException e = assertFails(Reason.ALGORITHM_KEY_MISMATCH,
                Keys.generate(SignatureAlgorithm.ED25519).getPublic(), OCTETS, authData);
        assertEquals("ALGORITHM_KEY_MISMATCH: Auth Method 9 (ECDSA with SHA-256 on P-256),"
                + " but the certificate's key is Ed25519",
                e.getMessage(), "names the method and the key's kind, nothing of the key");
        assertFails(Reason.ALGORITHM_KEY_MISMATCH, generator.generateKeyPair().getPublic(), OCTETS, authData);
    }

    @Test
    void anEd25519KeyCannotSignWithMethod9() {
        KeyPair ed25519 = Keys.generate(SignatureAlgorithm.ED25519);

        assertThrows(IllegalArgumentException.class, () -> EcdsaP256Authentication.sign(ed25519.getPrivate(), OCTETS));
    }

    private static AuthenticationException assertFails(Reason reason, PublicKey peer, byte[] octets, byte[] authData) {
        AuthenticationException e = assertThrows(AuthenticationException.class,
                () -> EcdsaP256Authentication.verify(peer, octets, authData));
        assertEquals(reason, e.reason(), e::getMessage);
        return e;
    }

    private static ECPublicKeyParameters bouncyCastleKey(ECPublicKey key) {
        return new ECPublicKeyParameters(P256.getCurve().createPoint(key.getW().getAffineX(), key.getW().getAffineY()),
                DOMAIN);
    }

    private static byte[] sha256(byte[] data) {
        SHA256Digest digest = new SHA256Digest();
        digest.update(data, 0, data.length);
        byte[] hash = new byte[digest.getDigestSize()];
        digest.doFinal(hash, 0);
        return hash;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static ECParameterSpec p256() throws Exception {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        return parameters.getParameterSpec(ECParameterSpec.class);
    }
}
