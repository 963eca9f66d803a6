package espgw.ike.auth;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.math.ec.ECMultiplier;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * Key pairs for IKE authentication: new ones, and the public key that belongs to a private key
 * (which the JDK cannot derive: a PKCS#8 file need not carry it).
 */
public final class Keys {
    private Keys() {
    }

    /** A fresh key pair from the JDK's strong default SecureRandom. */
    public static KeyPair generate(SignatureAlgorithm algorithm) {
        try {
            return switch (algorithm) {
                case ED25519 -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                case ECDSA_P256_SHA256 -> {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec("secp256r1"));
                    yield generator.generateKeyPair();
                }
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK 17 generates " + algorithm + " keys", e);
        }
    }

    /** The public key of an Ed25519 or P-256 private key. */
    public static PublicKey publicKeyOf(PrivateKey key) {
        SignatureAlgorithm algorithm = SignatureAlgorithm.forKey(key);
        try {
            return switch (algorithm) {
                case ED25519 -> ed25519PublicKey((EdECPrivateKey) key);
                case ECDSA_P256_SHA256 -> p256PublicKey((ECPrivateKey) key);
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("deriving a " + algorithm + " public key failed", e);
        }
    }

    /** RFC 8032 §5.1.5: the public key is derived from the 32-octet seed, which is the private key. */
    private static PublicKey ed25519PublicKey(EdECPrivateKey key) throws GeneralSecurityException {
        byte[] seed = key.getBytes().orElseThrow(() -> new IllegalArgumentException("an Ed25519 key without its bytes"));
        byte[] publicKey = new Ed25519PrivateKeyParameters(seed).generatePublicKey().getEncoded();
        SubjectPublicKeyInfo spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519),
                publicKey);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
        } catch (IOException e) {
            throw new IllegalStateException("DER-encoding a SubjectPublicKeyInfo in memory", e);
        }
    }

    /** SEC 1 §3.2.1: Q = d·G on the key's curve. */
    private static PublicKey p256PublicKey(ECPrivateKey key) throws GeneralSecurityException {
        org.bouncycastle.jce.spec.ECParameterSpec curve = ECNamedCurveTable.getParameterSpec("secp256r1");
        ECMultiplier multiplier = new FixedPointCombMultiplier();
        org.bouncycastle.math.ec.ECPoint q = multiplier.multiply(curve.getG(), key.getS()).normalize();
        ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, key.getParams()));
    }
}
