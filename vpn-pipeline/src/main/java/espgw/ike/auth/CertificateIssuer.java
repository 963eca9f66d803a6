package espgw.ike.auth;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A local CA for espgw's certificates (RFC 5280 profile): a self-signed CA certificate, and
 * end-entity certificates whose subjectAltName is the IKE identity, as strongSwan's {@code pki}
 * makes them. Certificates are signed with Ed25519 or ECDSA P-256/SHA-256, whichever the CA key is.
 */
public final class CertificateIssuer {
    /** RFC 5280 §4.1.2.2: a positive serial of at most 20 octets; 64 random bits make collisions moot. */
    private static final int SERIAL_BITS = 64;
    /** Back-dating notBefore a little tolerates clocks that are slightly behind ours. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateIssuer() {
    }

    /**
     * A self-signed CA certificate for {@code ca}: basicConstraints cA (critical), keyUsage
     * keyCertSign and cRLSign (critical), and its subjectKeyIdentifier.
     */
    public static X509Certificate selfSignedCa(KeyPair ca, String name, Instant now, Duration validity) {
        X500Principal subject = IkeIdentity.commonName(name);
        JcaX509v3CertificateBuilder builder = builder(subject, subject, ca.getPublic(), now, validity);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(ca.getPublic()));
        } catch (CertIOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("encoding certificate extensions in memory", e);
        }
        return sign(builder, ca.getPrivate());
    }

    /**
     * A certificate for {@code identity}'s {@code subjectKey}, issued by the CA: subject CN=identity
     * (or the DN itself), subjectAltName the identity, basicConstraints not a CA (critical), keyUsage
     * digitalSignature (critical), and the key identifiers that link it to the CA.
     */
    public static X509Certificate issue(PrivateKey caKey, X509Certificate caCertificate, PublicKey subjectKey,
            IkeIdentity identity, Instant now, Duration validity) {
        JcaX509v3CertificateBuilder builder = builder(caCertificate.getSubjectX500Principal(), identity.subject(),
                subjectKey, now, validity);
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(caCertificate.getPublicKey()));
            GeneralName altName = identity.subjectAltName();
            if (altName != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altName));
            }
        } catch (CertIOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("encoding certificate extensions in memory", e);
        }
        return sign(builder, caKey);
    }

    private static JcaX509v3CertificateBuilder builder(X500Principal issuer, X500Principal subject, PublicKey key,
            Instant now, Duration validity) {
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("a certificate must be valid for some time, not " + validity);
        }
        BigInteger serial = new BigInteger(SERIAL_BITS, RANDOM).setBit(SERIAL_BITS - 1);
        return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(CLOCK_SKEW)),
                Date.from(now.plus(validity)), subject, key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
        String algorithm = SignatureAlgorithm.forKey(issuerKey).jcaName();
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
        } catch (OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("signing a certificate with " + algorithm + " failed", e);
        }
    }
}
