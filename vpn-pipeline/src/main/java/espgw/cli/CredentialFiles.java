package espgw.cli;

import espgw.ike.auth.CredentialException;
import espgw.ike.auth.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;

/**
 * Reading and writing the key and certificate files of {@code genkey}, {@code pubkey} and
 * {@code cert}: new files only (an existing key is never overwritten), private keys with mode
 * 0600 from the moment they exist, and unusable input as one line naming the file.
 */
final class CredentialFiles {
    private static final String PRIVATE = "rw-------";
    private static final String PUBLIC = "rw-r--r--";

    private CredentialFiles() {
    }

    /** Refuses before anything is written when one of {@code files} exists. */
    static void requireNew(Path... files) {
        for (Path file : files) {
            if (Files.exists(file)) {
                throw OperatorException.badConfig(file + " exists; refusing to overwrite it");
            }
        }
    }

    static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        writeNew(file, Pem.privateKey(key), PRIVATE);
    }

    static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
        writeNew(file, Pem.certificate(certificate), PUBLIC);
    }

    static PrivateKey readPrivateKey(Path file) throws IOException {
        try {
            return Pem.readPrivateKey(read(file));
        } catch (CredentialException e) {
            throw OperatorException.badConfig(file + ": " + e.getMessage());
        }
    }

    /** {@code what} names the input in messages: a file, or standard input. */
    static PrivateKey readPrivateKey(InputStream in, String what) throws IOException {
        try {
            return Pem.readPrivateKey(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (CredentialException e) {
            throw OperatorException.badConfig(what + ": " + e.getMessage());
        }
    }

    static PublicKey readPublicKey(Path file) throws IOException {
        try {
            return Pem.readPublicKey(read(file));
        } catch (CredentialException e) {
            throw OperatorException.badConfig(file + ": " + e.getMessage());
        }
    }

    /** The first certificate of {@code file}. */
    static X509Certificate readCertificate(Path file) throws IOException {
        try {
            return Pem.readCertificates(read(file)).get(0);
        } catch (CredentialException e) {
            throw OperatorException.badConfig(file + ": " + e.getMessage());
        }
    }

    /** Creates {@code file} with {@code permissions} in one step, so a key is never readable by others. */
    private static void writeNew(Path file, String pem, String permissions) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        } catch (FileAlreadyExistsException e) {
            throw OperatorException.badConfig(file + " exists; refusing to overwrite it");
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            out.write(pem);
        }
    }

    private static String read(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw OperatorException.badConfig(file + ": no such file");
        }
    }
}
