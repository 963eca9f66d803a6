package espgw.ike.auth;

import espgw.ike.auth.SignatureHashAlgorithms.HashAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Our own side of certificate authentication: a private key and the certificate for its public key
 * (followed by any intermediates), which go out in CERT payloads. Signs the octets of RFC 7296 §2.15
 * with method 14. {@link #toString} names the certificate, never the key.
 */
public final class LocalCredential {
    private final PrivateKey key;
    private final List<X509Certificate> chain;
    private final SignatureAlgorithm algorithm;

    /** @param chain our certificate first: its public key must be {@code key}'s */
    public LocalCredential(PrivateKey key, List<X509Certificate> chain) throws CredentialException {
        if (chain.isEmpty()) {
            throw new CredentialException("no certificate for the private key");
        }
        this.algorithm = SignatureAlgorithm.forKey(key);
        X509Certificate certificate = chain.get(0);
        if (!Arrays.equals(Keys.publicKeyOf(key).getEncoded(), certificate.getPublicKey().getEncoded())) {
            throw new CredentialException("the certificate of " + certificate.getSubjectX500Principal().getName()
                    + " is not for this private key");
        }
        this.key = key;
        this.chain = List.copyOf(chain);
    }

    /** Reads a PEM private key and a PEM file holding our certificate (and intermediates after it). */
    public static LocalCredential load(Path keyFile, Path certificateFile) throws CredentialException, IOException {
        PrivateKey key;
        try {
            key = Pem.readPrivateKey(Files.readString(keyFile));
        } catch (CredentialException e) {
            throw new CredentialException(keyFile + ": " + e.getMessage());
        }
        try {
            return new LocalCredential(key, Pem.readCertificates(Files.readString(certificateFile)));
        } catch (CredentialException e) {
            throw new CredentialException(certificateFile + ": " + e.getMessage());
        }
    }

    public SignatureAlgorithm algorithm() {
        return algorithm;
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** The DER certificates for our CERT payloads (Cert Encoding 4), ours first. */
    public List<byte[]> certificates() {
        List<byte[]> der = new ArrayList<>();
        for (X509Certificate certificate : chain) {
            try {
                der.add(certificate.getEncoded());
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException("a parsed certificate always has its DER", e);
            }
        }
        return der;
    }

    /** RFC 7427 §4: whether the peer's SIGNATURE_HASH_ALGORITHMS lets us sign with our key. */
    public boolean peerAccepts(Set<HashAlgorithm> peerHashes) {
        return SignatureHashAlgorithms.peerAccepts(algorithm, peerHashes);
    }

    /** The Authentication Data of our AUTH payload (method 14) over {@code signedOctets}. */
    public byte[] sign(byte[] signedOctets) {
        return DigitalSignatureAuthentication.sign(key, signedOctets);
    }

    @Override
    public String toString() {
        return "LocalCredential[" + certificate().getSubjectX500Principal().getName() + ", " + algorithm + "]";
    }
}
