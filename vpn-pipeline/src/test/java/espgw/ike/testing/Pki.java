package espgw.ike.testing;

import espgw.testing.Privileges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Throwaway certificates for IKEv2 tests, made with strongSwan's {@code pki}: a self-signed CA and
 * end-entity certificates whose subjectAltName is the IKE identity (FQDN), all PEM.
 */
public final class Pki {
    private static final long TIMEOUT_SECONDS = 30;

    private Pki() {
    }

    public enum KeyType {
        ED25519("--type", "ed25519"),
        ECDSA_P256("--type", "ecdsa", "--size", "256");

        private final List<String> genOptions;

        KeyType(String... genOptions) {
            this.genOptions = List.of(genOptions);
        }
    }

    public record Credential(Path certificate, Path privateKey) {
    }

    public static void requireInstalled() {
        Privileges.requireCommand("pki");
    }

    /** {@code <name>-key.pem} and the self-signed {@code <name>-cert.pem} with subject {@code CN=<name>}. */
    public static Credential ca(Path dir, String name, KeyType type) throws IOException, InterruptedException {
        Path key = generateKey(dir, name, type);
        Path cert = dir.resolve(name + "-cert.pem");
        pki(dir, cert, "--self", "--in", key.toString(), "--ca", "--lifetime", "30", "--dn", "CN=" + name,
                "--outform", "pem");
        return new Credential(cert, key);
    }

    /** A key and a certificate for IKE identity {@code fqdn}, issued by {@code ca}. */
    public static Credential endEntity(Path dir, String fqdn, KeyType type, Credential ca)
            throws IOException, InterruptedException {
        Path key = generateKey(dir, fqdn, type);
        Path cert = dir.resolve(fqdn + "-cert.pem");
        pki(dir, cert, "--issue", "--in", key.toString(), "--type", "priv", "--cacert", ca.certificate().toString(),
                "--cakey", ca.privateKey().toString(), "--lifetime", "30", "--dn", "CN=" + fqdn, "--san", fqdn,
                "--outform", "pem");
        return new Credential(cert, key);
    }

    private static Path generateKey(Path dir, String name, KeyType type) throws IOException, InterruptedException {
        Path key = dir.resolve(name + "-key.pem");
        List<String> args = new ArrayList<>(List.of("--gen"));
        args.addAll(type.genOptions);
        args.addAll(List.of("--outform", "pem"));
        pki(dir, key, args.toArray(String[]::new));
        return key;
    }

    /** Runs pki with stdout into {@code output}; its stderr (complaints about a missing TPM) into pki.log. */
    private static void pki(Path dir, Path output, String... arguments) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of("pki"));
        command.addAll(List.of(arguments));
        Path log = dir.resolve("pki.log");
        Process p = new ProcessBuilder(command).redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        p.getOutputStream().close();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pki timed out: " + command);
        }
        if (p.exitValue() != 0 || Files.size(output) == 0) {
            throw new AssertionError("pki failed (exit " + p.exitValue() + "): " + command + "\n" + Files.readString(log));
        }
    }
}
