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
 * issue} write them: {@code ca.crt}, and {@code NAME.key} and {@code NAME.crt} for each identity.
 */
public record PkiFiles(Path dir) {
    private static final Duration DAY = Duration.ofDays(1);

    /** A new Ed25519 CA in {@code dir} and a certificate from it for each identity. */
    public static PkiFiles create(Path dir, String... identities) throws IOException {
        KeyPair caKeys = Keys.generate(SignatureAlgorithm.ED25519);
        Instant now = Instant.now();
        X509Certificate ca = CertificateIssuer.selfSignedCa(caKeys, "espgw test CA", now, DAY);
        Files.writeString(dir.resolve("ca.crt"), Pem.certificate(ca));
        PkiFiles files = new PkiFiles(dir);
        for (String identity : identities) {
            KeyPair keys = Keys.generate(SignatureAlgorithm.ED25519);
            X509Certificate certificate = CertificateIssuer.issue(caKeys.getPrivate(), ca, keys.getPublic(),
                    IkeIdentity.parse(identity), now, DAY);
            Files.writeString(files.key(identity), Pem.privateKey(keys.getPrivate()));
            Files.writeString(files.certificate(identity), Pem.certificate(certificate));
        }
        return files;
    }

    public Path ca() {
        return dir.resolve("ca.crt");
    }

    public Path key(String identity) {
        return dir.resolve(identity + ".key");
    }

    public Path certificate(String identity) {
        return dir.resolve(identity + ".crt");
    }
}
