package espgw.ike.auth;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * PEM (RFC 7468) for keys and certificates, as {@code espgw genkey}/{@code cert} write them and
 * as strongSwan's {@code pki} and OpenSSL do: {@code PRIVATE KEY} (PKCS#8), {@code EC PRIVATE KEY}
 * (SEC 1, what {@code pki --gen --type ecdsa} writes), {@code PUBLIC KEY} and {@code CERTIFICATE}.
 * Errors name what was found, never the content: a private key must not end up in a log.
 */
public final class Pem {
    private Pem() {
    }

    /** The one Ed25519 or P-256 private key in {@code pem}; encrypted keys are refused. */
    public static PrivateKey readPrivateKey(String pem) throws CredentialException {
        Object object = readSingle(pem, "a private key");
        PrivateKeyInfo info;
        if (object instanceof PrivateKeyInfo pkcs8) {
            info = pkcs8;
        } else if (object instanceof PEMKeyPair sec1) {
            info = sec1.getPrivateKeyInfo();
        } else if (object instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new CredentialException("an encrypted private key; espgw needs it unencrypted (protect the file instead)");
        } else {
            throw new CredentialException("not a private key but " + describe(object));
        }
        PrivateKey key;
        try {
            key = new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (PEMException e) {
            // no cause and no message of the converter's: either may quote the key
            throw new CredentialException("a private key of an algorithm espgw cannot read");
        }
        requireSupported(key);
        return key;
    }

    /** The one Ed25519 or P-256 public key (SubjectPublicKeyInfo) in {@code pem}. */
    public static PublicKey readPublicKey(String pem) throws CredentialException {
        Object object = readSingle(pem, "a public key");
        if (!(object instanceof SubjectPublicKeyInfo spki)) {
            throw new CredentialException("not a public key but " + describe(object));
        }
        PublicKey key;
        try {
            key = new JcaPEMKeyConverter().getPublicKey(spki);
        } catch (PEMException e) {
            throw new CredentialException("a public key of an algorithm espgw cannot read");
        }
        requireSupported(key);
        return key;
    }

    /** Every certificate in {@code pem}, in order (at least one). */
    public static List<X509Certificate> readCertificates(String pem) throws CredentialException {
        List<X509Certificate> certificates = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (!(object instanceof X509CertificateHolder holder)) {
                    throw new CredentialException("not a certificate but " + describe(object));
                }
                certificates.add(converter.getCertificate(holder));
            }
        } catch (IOException | CertificateException e) {
            throw new CredentialException("malformed certificate PEM: " + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw new CredentialException("no PEM certificate (-----BEGIN CERTIFICATE-----) found");
        }
        return certificates;
    }

    /** PKCS#8 {@code PRIVATE KEY}, unencrypted (the JDK encodes private keys as PKCS#8). */
    public static String privateKey(PrivateKey key) {
        return write(new PemObject("PRIVATE KEY", key.getEncoded()));
    }

    /** {@code PUBLIC KEY}: the X.509 SubjectPublicKeyInfo. */
    public static String publicKey(PublicKey key) {
        return write(new PemObject("PUBLIC KEY", key.getEncoded()));
    }

    public static String certificate(X509Certificate certificate) {
        try {
            return write(new PemObject("CERTIFICATE", certificate.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("a parsed certificate always has its DER", e);
        }
    }

    private static Object readSingle(String pem, String expected) throws CredentialException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object object = parser.readObject();
            if (object == null) {
                throw new CredentialException("no PEM object found; expected " + expected);
            }
            if (parser.readObject() != null) {
                throw new CredentialException("more than one PEM object; expected just " + expected);
            }
            return object;
        } catch (IOException e) {
            // PEMParser's messages can quote the broken line
            throw new CredentialException("malformed PEM; expected " + expected);
        }
    }

    private static void requireSupported(Key key) throws CredentialException {
        try {
            SignatureAlgorithm.forKey(key);
        } catch (IllegalArgumentException e) {
            throw new CredentialException(e.getMessage());
        }
    }

    private static String describe(Object pemObject) {
        if (pemObject instanceof X509CertificateHolder) {
            return "a certificate";
        }
        if (pemObject instanceof SubjectPublicKeyInfo) {
            return "a public key";
        }
        if (pemObject instanceof PrivateKeyInfo || pemObject instanceof PEMKeyPair) {
            return "a private key";
        }
        return "a " + pemObject.getClass().getSimpleName();
    }

    private static String write(PemObject object) {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException("writing PEM to memory", e);
        }
        return text.toString();
    }
}
