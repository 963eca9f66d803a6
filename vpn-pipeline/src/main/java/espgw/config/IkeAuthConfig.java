package espgw.config;

import espgw.ike.auth.CertificateChainValidator;
import espgw.ike.auth.CredentialException;
import espgw.ike.auth.LocalCredential;
import espgw.ike.auth.Pem;
import espgw.ike.auth.PeerAuthenticator;
import espgw.ike.session.IkeAuthentication;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * How a peer's {@code ike:} section authenticates: {@code auth: psk} with {@code psk_file} or
 * {@code psk} (RFC 7296 §2.15), or {@code auth: certificates} with {@code private_key},
 * {@code certificate} and {@code ca} (signatures: RFC 7427, and RFC 4754 for P-256). {@code auth}
 * may be left out: the fields given decide. Errors name the field and the file, never what the file
 * holds.
 */
final class IkeAuthConfig {
    /** Short keys fall to offline guessing from one captured IKE_AUTH (RFC 7296 §2.15). */
    static final int MIN_PSK_LENGTH = 16;
    private static final List<String> PSK_FIELDS = List.of("psk_file", "psk");
    private static final List<String> CERTIFICATE_FIELDS = List.of("private_key", "certificate", "ca");
    private static final String EXACTLY_ONE =
            "give exactly one of psk_file, psk or certificates (private_key, certificate and ca)";

    private IkeAuthConfig() {
    }

    static IkeAuthentication from(ConfigNode node) throws ConfigException {
        boolean psk = PSK_FIELDS.stream().anyMatch(node::has);
        boolean certificates = CERTIFICATE_FIELDS.stream().anyMatch(node::has);
        if (psk == certificates) {
            throw node.error(null, EXACTLY_ONE);
        }
        String auth = node.string("auth", psk ? "psk" : "certificates");
        if (!auth.equals("psk") && !auth.equals("certificates")) {
            throw node.error("auth", "'" + auth + "' must be psk or certificates");
        }
        if (auth.equals("psk") != psk) {
            throw node.error("auth", auth + " but the fields of " + (psk ? "psk" : "certificates") + " are given");
        }
        return psk ? new IkeAuthentication.PreSharedKey(preSharedKey(node)) : certificates(node);
    }

    /** {@code psk_file} (the key is the file's first line) or, for labs, {@code psk} in the config itself. */
    private static byte[] preSharedKey(ConfigNode node) throws ConfigException {
        boolean inFile = node.has("psk_file");
        if (inFile && node.has("psk")) {
            throw node.error(null, EXACTLY_ONE);
        }
        String key;
        if (inFile) {
            key = read(node, "psk_file").split("\n", -1)[0].trim();
        } else {
            key = node.string("psk");
        }
        if (key.length() < MIN_PSK_LENGTH) {
            throw node.error(inFile ? "psk_file" : "psk", "the pre-shared key is shorter than " + MIN_PSK_LENGTH
                    + " characters");
        }
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** Our key and certificate (intermediates may follow it in its file), and the one CA the peer's must lead to. */
    private static IkeAuthentication certificates(ConfigNode node) throws ConfigException {
        for (String field : CERTIFICATE_FIELDS) {
            if (!node.has(field)) {
                throw node.error(field, "is required with certificates (private_key, certificate and ca)");
            }
        }
        LocalCredential credential = credential(node, privateKey(node), certificateFile(node, "certificate"));
        CertificateChainValidator ca = caValidator(node, certificateFile(node, "ca").get(0));
        return new IkeAuthentication.Certificates(credential, new PeerAuthenticator(ca));
    }

    private static PrivateKey privateKey(ConfigNode node) throws ConfigException {
        try {
            return Pem.readPrivateKey(read(node, "private_key"));
        } catch (CredentialException e) {
            throw node.error("private_key", node.string("private_key") + ": " + e.getMessage());
        }
    }

    private static List<X509Certificate> certificateFile(ConfigNode node, String field) throws ConfigException {
        try {
            return Pem.readCertificates(read(node, field));
        } catch (CredentialException e) {
            throw node.error(field, node.string(field) + ": " + e.getMessage());
        }
    }

    private static LocalCredential credential(ConfigNode node, PrivateKey key, List<X509Certificate> chain)
            throws ConfigException {
        try {
            return new LocalCredential(key, chain);
        } catch (CredentialException e) {
            throw node.error("certificate", node.string("certificate") + ": " + e.getMessage());
        }
    }

    private static CertificateChainValidator caValidator(ConfigNode node, X509Certificate ca) throws ConfigException {
        try {
            return new CertificateChainValidator(ca);
        } catch (CredentialException e) {
            throw node.error("ca", node.string("ca") + ": " + e.getMessage());
        }
    }

    private static String read(ConfigNode node, String field) throws ConfigException {
        Path file = Path.of(node.string(field));
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw node.error(field, "cannot read " + file + ": " + e.getClass().getSimpleName());
        }
    }
}
