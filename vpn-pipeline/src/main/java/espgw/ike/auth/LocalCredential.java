package espgw.ike.auth;

import espgw.ike.auth.SignatureHashAlgorithms.HashAlgorithm;
import espgw.ike.message.AuthPayload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Our own side of certificate authentication: a private key and the certificate for its public key
 * (followed by any intermediates), which go out in CERT payloads. Signs the octets of RFC 7296 §2.15
 * with method 14 or, for a peer that cannot verify that, with our key's own method if it has one
 * (9 for P-256). {@link #toString} names the certificate, never the key.
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

    /**
     * The Auth Method to sign with for a peer that sent {@code peerHashes} in SIGNATURE_HASH_ALGORITHMS
     * (empty: it sent none): 14 if they include our key's hash (RFC 7427 §4), else our key's method
     * from before RFC 7427 (9 for P-256, RFC 4754); none for an Ed25519 key (RFC 8420).
     */
    public OptionalInt authMethodFor(Optional<Set<HashAlgorithm>> peerHashes) {
        return peerHashes.isPresent() && peerAccepts(peerHashes.get())
                ? OptionalInt.of(AuthPayload.DIGITAL_SIGNATURE)
                : algorithm.legacyAuthMethod();
    }

    /** The Authentication Data of our AUTH payload with {@code authMethod} (14 or 9) over {@code signedOctets}. */
    public byte[] sign(int authMethod, byte[] signedOctets) {
        return switch (authMethod) {
            case AuthPayload.DIGITAL_SIGNATURE -> DigitalSignatureAuthentication.sign(key, signedOctets);
            case AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE -> EcdsaP256Authentication.sign(key, signedOctets);
            default -> throw new IllegalArgumentException("Auth Method " + authMethod
                    + " is no signature method of ours");
        };
    }

    @Override
    public String toString() {
        return "LocalCredential[" + certificate().getSubjectX500Principal().getName() + ", " + algorithm + "]";
    }
}
