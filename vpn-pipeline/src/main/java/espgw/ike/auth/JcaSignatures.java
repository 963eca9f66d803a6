package espgw.ike.auth;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;

/**
 * One JCA signature over the signed octets of RFC 7296 §2.15, as both signature Auth Methods (14,
 * RFC 7427, and 9, RFC 4754) make and check it; only the encoding around it differs.
 */
final class JcaSignatures {
    private JcaSignatures() {
    }

    static byte[] sign(String jcaName, PrivateKey key, byte[] signedOctets) {
        try {
            Signature signer = Signature.getInstance(jcaName);
            signer.initSign(key);
            signer.update(signedOctets);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with " + jcaName + " failed", e);
        }
    }

    /**
     * Whether {@code length} octets of {@code signature} at {@code offset} sign {@code signedOctets}
     * with {@code key}. A signature that is not even well-formed (bad DER, r or s out of range) is
     * as bad as a wrong one: false, not an exception.
     */
    static boolean verifies(String jcaName, PublicKey key, byte[] signedOctets, byte[] signature, int offset,
            int length) {
        try {
            Signature verifier = Signature.getInstance(jcaName);
            verifier.initVerify(key);
            verifier.update(signedOctets);
            return verifier.verify(signature, offset, length);
        } catch (SignatureException | InvalidKeyException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK 17 has " + jcaName, e);
        }
    }
}
