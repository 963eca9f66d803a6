package espgw.cli;

import espgw.ike.auth.Keys;
import espgw.ike.auth.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code espgw pubkey}: the public key of a private key, like {@code wg pubkey}. */
@Command(name = "pubkey",
        description = "Print the public key (PEM) of an Ed25519 or ECDSA P-256 private key read from standard "
                + "input or a file: PKCS#8 as 'espgw genkey' writes it, or what strongSwan's pki writes.")
public final class PubkeyCommand implements Callable<Integer> {
    @Option(names = "--in", paramLabel = "FILE", description = "Read the private key from this file instead of standard input.")
    Path in;

    @Spec
    CommandSpec spec;

    /** Standard input; a test puts its own stream here. */
    InputStream stdin = System.in;

    @Override
    public Integer call() throws IOException {
        PrivateKey key = in == null ? CredentialFiles.readPrivateKey(stdin, "standard input")
                : CredentialFiles.readPrivateKey(in);
        PrintWriter out = spec.commandLine().getOut();
        out.print(Pem.publicKey(Keys.publicKeyOf(key)));
        out.flush();
        return 0;
    }
}
