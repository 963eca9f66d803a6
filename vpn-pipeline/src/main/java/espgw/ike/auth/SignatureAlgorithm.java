package espgw.ike.auth;

import espgw.ike.auth.SignatureHashAlgorithms.HashAlgorithm;
import espgw.ike.message.AuthPayload;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.OptionalInt;

/**
 * The signature algorithms of Authentication Method 14 (RFC 7427) that espgw signs and verifies
 * with: each is named on the wire by the DER of its ASN.1 AlgorithmIdentifier, compared octet for
 * octet (RFC 7427 §3 lets a receiver reject any encoding it does not know). Some also have an Auth
 * Method of their own from before RFC 7427, for peers that do not do method 14.
 */
public enum SignatureAlgorithm {
    /**
     * RFC 8420 §2: id-Ed25519 (1.3.101.112), parameters absent; PureEdDSA over the whole octets.
     * No method of its own: RFC 8420 uses EdDSA only with method 14.
     */
    ED25519("Ed25519", "300506032b6570", HashAlgorithm.IDENTITY, OptionalInt.empty()),
    /**
     * RFC 7427 appendix A.4.3: ecdsa-with-SHA256 (1.2.840.10045.4.3.2), parameters absent; used with
     * P-256 keys only. The signature is the DER ECDSA-Sig-Value, as the JDK produces it. Its own
     * method is 9 (RFC 4754, {@link EcdsaP256Authentication}).
     */
    ECDSA_P256_SHA256("SHA256withECDSA", "300a06082a8648ce3d040302", HashAlgorithm.SHA2_256,
            OptionalInt.of(AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE));

    private static final ECParameterSpec P256 = p256();

    private final String jcaName;
    private final byte[] algorithmIdentifier;
    private final HashAlgorithm hashAlgorithm;
    private final OptionalInt legacyAuthMethod;

    SignatureAlgorithm(String jcaName, String algorithmIdentifierHex, HashAlgorithm hashAlgorithm,
            OptionalInt legacyAuthMethod) {
        this.jcaName = jcaName;
        this.algorithmIdentifier = HexFormat.of().parseHex(algorithmIdentifierHex);
        this.hashAlgorithm = hashAlgorithm;
        this.legacyAuthMethod = legacyAuthMethod;
    }

    /** The JCA name for {@link java.security.Signature#getInstance(String)}. */
    String jcaName() {
        return jcaName;
    }

    /** The DER AlgorithmIdentifier sent in the Authentication Data. */
    public byte[] algorithmIdentifier() {
        return algorithmIdentifier.clone();
    }

    /** The value this algorithm needs in the peer's SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4). */
    public HashAlgorithm hashAlgorithm() {
        return hashAlgorithm;
    }

    /** The Auth Method from before RFC 7427 that signs with this algorithm's keys, if there is one. */
    public OptionalInt legacyAuthMethod() {
        return legacyAuthMethod;
    }

    /** The algorithm whose AlgorithmIdentifier is exactly {@code der}, or null. */
    static SignatureAlgorithm forAlgorithmIdentifier(byte[] der) {
        for (SignatureAlgorithm algorithm : values()) {
            if (Arrays.equals(algorithm.algorithmIdentifier, der)) {
                return algorithm;
            }
        }
        return null;
    }

    /**
     * The algorithm that signs with {@code key} (private or public): Ed25519 keys, and EC keys on
     * P-256. Any other key, such as RSA or P-384, cannot authenticate espgw.
     */
    public static SignatureAlgorithm forKey(Key key) {
        SignatureAlgorithm algorithm = forKeyOrNull(key);
        if (algorithm == null) {
            throw new IllegalArgumentException("a " + describe(key)
                    + " key; IKE authentication needs Ed25519 or ECDSA P-256");
        }
        return algorithm;
    }

    /** Whether {@code key} is a key of this algorithm. */
    boolean fits(Key key) {
        return forKeyOrNull(key) == this;
    }

    private static SignatureAlgorithm forKeyOrNull(Key key) {
        if (key instanceof EdECKey ed && NamedParameterSpec.ED25519.getName().equals(ed.getParams().getName())) {
            return ED25519;
        }
        if (key instanceof ECKey ec && sameCurve(ec.getParams(), P256)) {
            return ECDSA_P256_SHA256;
        }
        return null;
    }

    /** A key's kind for messages: its algorithm and curve, never its value. */
    static String describe(Key key) {
        if (key instanceof EdECKey ed) {
            return ed.getParams().getName();
        }
        if (key instanceof ECKey ec) {
            return "EC " + ec.getParams().getCurve().getField().getFieldSize() + "-bit";
        }
        return key.getAlgorithm();
    }

    private static boolean sameCurve(ECParameterSpec a, ECParameterSpec b) {
        return a.getCurve().equals(b.getCurve()) && a.getGenerator().equals(b.getGenerator())
                && a.getOrder().equals(b.getOrder()) && a.getCofactor() == b.getCofactor();
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK 17 has the EC curve secp256r1", e);
        }
    }
}
