package espgw.config;

import espgw.ike.auth.CertificateIssuer;
import espgw.ike.auth.IkeIdentity;
import espgw.ike.auth.Keys;
import espgw.ike.auth.Pem;
import espgw.ike.auth.SignatureAlgorithm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * The files of {@code ike: private_key/certificate/ca}, as {@code espgw cert ca} and {@code espgw cert
 * issue} write them: {@code ca.crt}, and {@code NAME.key} and {@code NAME.crt} for each gateway.
 */
public record PkiFiles(Path dir, KeyPair caKeys, X509Certificate caCertificate) {
    private static final Duration DAY = Duration.ofDays(1);

    /** A new Ed25519 CA whose certificate is {@code dir/ca.crt}. */
    public static PkiFiles create(Path dir) throws IOException {
        KeyPair caKeys = Keys.generate(SignatureAlgorithm.ED25519);
        X509Certificate ca = CertificateIssuer.selfSignedCa(caKeys, "espgw test CA", Instant.now(), DAY);
        Files.writeString(dir.resolve("ca.crt"), Pem.certificate(ca));
        return new PkiFiles(dir, caKeys, ca);
    }

    /** A new key {@code NAME.key} and its certificate {@code NAME.crt} for {@code identity}. */
    public PkiFiles issue(String name, String identity) throws IOException {
        KeyPair keys = Keys.generate(SignatureAlgorithm.ED25519);
        X509Certificate certificate = CertificateIssuer.issue(caKeys.getPrivate(), caCertificate, keys.getPublic(),
                IkeIdentity.parse(identity), Instant.now(), DAY);
        Files.writeString(key(name), Pem.privateKey(keys.getPrivate()));
        Files.writeString(certificate(name), Pem.certificate(certificate));
        return this;
    }

    public Path ca() {
        return dir.resolve("ca.crt");
    }

    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    public Path certificate(String name) {
        return dir.resolve(name + ".crt");
    }
}
