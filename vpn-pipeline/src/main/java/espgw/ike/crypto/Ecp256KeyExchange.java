package espgw.ike.crypto;

import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.NotifyType;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * Group 19: ECDH on NIST P-256 (RFC 5903). KE data is x || y, each 32 octets big-endian (§7); the
 * shared secret is the x-coordinate of the shared point only (§7). A peer value must be a point of
 * the curve (RFC 6989 §2.3), checked here rather than trusted to the provider.
 */
final class Ecp256KeyExchange implements KeyExchange {
    private static final int COORDINATE_LENGTH = 32;
    private static final ECParameterSpec P256 = parameters();

    private final PrivateKey privateKey;
    private final byte[] publicValue;

    private Ecp256KeyExchange(PrivateKey privateKey, byte[] publicValue) {
        this.privateKey = privateKey;
        this.publicValue = publicValue;
    }

    static Ecp256KeyExchange generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(P256, random);
            KeyPair pair = generator.generateKeyPair();
            ECPoint w = ((ECPublicKey) pair.getPublic()).getW();
            byte[] value = new byte[2 * COORDINATE_LENGTH];
            putCoordinate(w.getAffineX(), value, 0);
            putCoordinate(w.getAffineY(), value, COORDINATE_LENGTH);
            return new Ecp256KeyExchange(pair.getPrivate(), value);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks EC on secp256r1", e);
        }
    }

    /** For known-answer tests: a fixed private value (RFC 5903 §8 writes it big-endian). */
    static Ecp256KeyExchange fromPrivate(byte[] privateValue, byte[] publicValue) {
        try {
            PrivateKey key = KeyFactory.getInstance("EC")
                    .generatePrivate(new ECPrivateKeySpec(new BigInteger(1, privateValue), P256));
            return new Ecp256KeyExchange(key, publicValue.clone());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a P-256 private key", e);
        }
    }

    @Override
    public KeyExchangeGroup group() {
        return KeyExchangeGroup.ECP_256;
    }

    @Override
    public byte[] publicValue() {
        return publicValue.clone();
    }

    @Override
    public byte[] sharedSecret(byte[] peerKeyExchangeData) throws IkeProtocolException {
        KeyExchangeGroup.ECP_256.checkLength(peerKeyExchangeData);
        BigInteger x = new BigInteger(1, Arrays.copyOfRange(peerKeyExchangeData, 0, COORDINATE_LENGTH));
        BigInteger y = new BigInteger(1, Arrays.copyOfRange(peerKeyExchangeData, COORDINATE_LENGTH,
                2 * COORDINATE_LENGTH));
        if (!onCurve(x, y)) {
            throw new IkeProtocolException(NotifyType.INVALID_SYNTAX, "ECP-256 KE data is not a point of the curve");
        }
        try {
            KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
            agreement.init(privateKey);
            agreement.doPhase(KeyFactory.getInstance("EC").generatePublic(
                    new ECPublicKeySpec(new ECPoint(x, y), P256)), true);
            return agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new IkeProtocolException(NotifyType.INVALID_SYNTAX, "ECP-256 public value rejected: "
                    + e.getMessage());
        }
    }

    /** y^2 = x^3 + ax + b (mod p), with both coordinates in [0, p). */
    private static boolean onCurve(BigInteger x, BigInteger y) {
        EllipticCurve curve = P256.getCurve();
        BigInteger p = ((ECFieldFp) curve.getField()).getP();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger right = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
        return y.pow(2).mod(p).equals(right);
    }

    private static void putCoordinate(BigInteger coordinate, byte[] out, int offset) {
        byte[] bytes = coordinate.toByteArray();
        int length = Math.min(bytes.length, COORDINATE_LENGTH);
        System.arraycopy(bytes, bytes.length - length, out, offset + COORDINATE_LENGTH - length, length);
    }

    private static ECParameterSpec parameters() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks secp256r1", e);
        }
    }

    @Override
    public String toString() {
        return "KeyExchange[ECP_256]";
    }
}
