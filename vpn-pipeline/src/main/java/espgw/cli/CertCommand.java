package espgw.cli;

import espgw.ike.auth.CertificateIssuer;
import espgw.ike.auth.IkeIdentity;
import espgw.ike.auth.Keys;
import espgw.ike.auth.SignatureAlgorithm;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code espgw cert}: a local CA for IKEv2 certificate authentication. {@code ca} makes the CA's
 * key and self-signed certificate, {@code issue} a gateway's certificate whose subjectAltName is
 * its IKE identity. The work is done by {@link CertificateIssuer}.
 */
@Command(name = "cert",
        description = "Certificates for IKEv2 authentication from a local CA: 'espgw cert ca' creates the CA, "
                + "'espgw cert issue' certifies a gateway's key for its IKE identity.",
        subcommands = {CertCommand.Ca.class, CertCommand.Issue.class})
public final class CertCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "ca",
            description = "Create a local CA: a new private key (mode 0600) and a self-signed CA certificate (subject "
                    + "CN=NAME, basicConstraints CA, keyUsage keyCertSign and cRLSign). Ed25519 unless --ecdsa. "
                    + "Existing files are never overwritten.")
    static final class Ca implements Callable<Integer> {
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "The CA's name (its subject CN).")
        String name;

        @Option(names = "--out-key", required = true, paramLabel = "FILE", description = "New file for the CA's private key.")
        Path outKey;

        @Option(names = "--out-cert", required = true, paramLabel = "FILE", description = "New file for the CA certificate.")
        Path outCert;

        @Option(names = "--ecdsa", description = "An ECDSA P-256 key instead of Ed25519.")
        boolean ecdsa;

        @Option(names = "--days", defaultValue = "3650", paramLabel = "N",
                description = "Validity in days (default: ${DEFAULT-VALUE}).")
        int days;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Duration validity = validity(days);
            if (name.isBlank()) {
                throw OperatorException.badConfig("--name must not be empty");
            }
            CredentialFiles.requireNew(outKey, outCert);
            KeyPair keys = Keys.generate(algorithm(ecdsa));
            X509Certificate certificate = CertificateIssuer.selfSignedCa(keys, name, Instant.now(), validity);
            CredentialFiles.writePrivateKey(outKey, keys.getPrivate());
            CredentialFiles.writeCertificate(outCert, certificate);
            report(spec, certificate, outCert);
            return 0;
        }
    }

    @Command(name = "issue",
            description = "Issue a certificate for a gateway's IKE identity, signed by the local CA: subject CN=ID "
                    + "(or ID itself if it is a DN), subjectAltName ID (host name, user@host or IPv4 address), "
                    + "not a CA. Certifies a new key (--out-key, Ed25519 unless --ecdsa) or an existing public "
                    + "key (--pubkey, from 'espgw pubkey').")
    static final class Issue implements Callable<Integer> {
        @Option(names = "--ca-key", required = true, paramLabel = "FILE", description = "The CA's private key.")
        Path caKey;

        @Option(names = "--ca-cert", required = true, paramLabel = "FILE", description = "The CA certificate.")
        Path caCert;

        @Option(names = "--id", required = true, paramLabel = "ID",
                description = "The gateway's IKE identity: host name, user@host, IPv4 address or DN (CN=...).")
        String id;

        @ArgGroup(exclusive = true, multiplicity = "1")
        SubjectKey subjectKey;

        @Option(names = "--out-cert", required = true, paramLabel = "FILE", description = "New file for the certificate.")
        Path outCert;

        @Option(names = "--ecdsa", description = "With --out-key: an ECDSA P-256 key instead of Ed25519.")
        boolean ecdsa;

        @Option(names = "--days", defaultValue = "365", paramLabel = "N",
                description = "Validity in days (default: ${DEFAULT-VALUE}).")
        int days;

        @Spec
        CommandSpec spec;

        static final class SubjectKey {
            @Option(names = "--out-key", required = true, paramLabel = "FILE",
                    description = "Generate the gateway's key into this new file (mode 0600).")
            Path outKey;

            @Option(names = "--pubkey", required = true, paramLabel = "FILE",
                    description = "Certify this existing public key (PEM) instead.")
            Path pubkey;
        }

        @Override
        public Integer call() throws IOException {
            Duration validity = validity(days);
            IkeIdentity identity;
            try {
                identity = IkeIdentity.parse(id);
            } catch (IllegalArgumentException e) {
                throw OperatorException.badConfig("--id: " + e.getMessage());
            }
            if (ecdsa && subjectKey.pubkey != null) {
                throw OperatorException.badConfig("--ecdsa chooses the type of a new key; it does not go with --pubkey");
            }
            if (subjectKey.outKey != null) {
                CredentialFiles.requireNew(subjectKey.outKey, outCert);
            } else {
                CredentialFiles.requireNew(outCert);
            }
            PrivateKey issuerKey = CredentialFiles.readPrivateKey(caKey);
            X509Certificate issuer = CredentialFiles.readCertificate(caCert);
            if (!Arrays.equals(issuer.getPublicKey().getEncoded(), Keys.publicKeyOf(issuerKey).getEncoded())) {
                throw OperatorException.badConfig(caKey + " is not the key of the CA certificate " + caCert);
            }
            KeyPair generated = subjectKey.outKey == null ? null : Keys.generate(algorithm(ecdsa));
            PublicKey certified = generated == null ? CredentialFiles.readPublicKey(subjectKey.pubkey) : generated.getPublic();
            X509Certificate certificate = CertificateIssuer.issue(issuerKey, issuer, certified, identity, Instant.now(),
                    validity);
            if (generated != null) {
                CredentialFiles.writePrivateKey(subjectKey.outKey, generated.getPrivate());
            }
            CredentialFiles.writeCertificate(outCert, certificate);
            report(spec, certificate, outCert);
            return 0;
        }
    }

    private static SignatureAlgorithm algorithm(boolean ecdsa) {
        return ecdsa ? SignatureAlgorithm.ECDSA_P256_SHA256 : SignatureAlgorithm.ED25519;
    }

    private static Duration validity(int days) {
        if (days < 1) {
            throw OperatorException.badConfig("--days must be at least 1, not " + days);
        }
        return Duration.ofDays(days);
    }

    private static void report(CommandSpec spec, X509Certificate certificate, Path file) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(file + ": " + certificate.getSubjectX500Principal().getName() + ", issued by "
                + certificate.getIssuerX500Principal().getName() + ", valid until " + certificate.getNotAfter().toInstant());
        out.flush();
    }
}
