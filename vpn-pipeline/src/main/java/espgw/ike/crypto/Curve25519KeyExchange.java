package espgw.ike.crypto;

import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.NotifyType;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * Group 31: X25519 (RFC 7748 §5) on the JDK's XDH provider, with RFC 8031 §2's encoding (the
 * u-coordinate as 32 little-endian octets) and its check that the shared secret is not all zero.
 */
final class Curve25519KeyExchange implements KeyExchange {
    private static final int LENGTH = 32;

    private final PrivateKey privateKey;
    private final byte[] publicValue;

    private Curve25519KeyExchange(PrivateKey privateKey, byte[] publicValue) {
        this.privateKey = privateKey;
        this.publicValue = publicValue;
    }

    static Curve25519KeyExchange generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("X25519");
            generator.initialize(NamedParameterSpec.X25519, random);
            KeyPair pair = generator.generateKeyPair();
            return new Curve25519KeyExchange(pair.getPrivate(), encodeU(((XECPublicKey) pair.getPublic()).getU()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks X25519", e);
        }
    }

    /** For known-answer tests: a fixed private scalar (32 octets as RFC 7748 writes it). */
    static Curve25519KeyExchange fromPrivate(byte[] scalar, byte[] publicValue) {
        try {
            PrivateKey key = KeyFactory.getInstance("X25519")
                    .generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar.clone()));
            return new Curve25519KeyExchange(key, publicValue.clone());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an X25519 private key", e);
        }
    }

    @Override
    public KeyExchangeGroup group() {
        return KeyExchangeGroup.CURVE25519;
    }

    @Override
    public byte[] publicValue() {
        return publicValue.clone();
    }

    @Override
    public byte[] sharedSecret(byte[] peerKeyExchangeData) throws IkeProtocolException {
        KeyExchangeGroup.CURVE25519.checkLength(peerKeyExchangeData);
        byte[] secret;
        try {
            KeyAgreement agreement = KeyAgreement.getInstance("X25519");
            agreement.init(privateKey);
            agreement.doPhase(KeyFactory.getInstance("X25519").generatePublic(
                    new XECPublicKeySpec(NamedParameterSpec.X25519, decodeU(peerKeyExchangeData))), true);
            secret = agreement.generateSecret();
        } catch (GeneralSecurityException e) {
            // SunEC refuses small-order points with an exception where RFC 7748 gives zero.
            throw new IkeProtocolException(NotifyType.INVALID_SYNTAX, "X25519 public value rejected: "
                    + e.getMessage());
        }
        int any = 0;
        for (byte b : secret) {
            any |= b;
        }
        if (any == 0) {
            throw new IkeProtocolException(NotifyType.INVALID_SYNTAX, "X25519 gave the all-zero secret (RFC 8031 §2)");
        }
        return secret;
    }

    /** RFC 7748 §5: little-endian, and the unused top bit is masked on receipt. */
    private static BigInteger decodeU(byte[] littleEndian) {
        byte[] bigEndian = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            bigEndian[i] = littleEndian[LENGTH - 1 - i];
        }
        bigEndian[0] &= 0x7F;
        return new BigInteger(1, bigEndian);
    }

    private static byte[] encodeU(BigInteger u) {
        byte[] bigEndian = u.toByteArray();
        byte[] littleEndian = new byte[LENGTH];
        for (int i = 0; i < LENGTH && i < bigEndian.length; i++) {
            littleEndian[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return littleEndian;
    }

    @Override
    public String toString() {
        return "KeyExchange[CURVE25519]";
    }
}
