package espgw.cli;

import espgw.ike.auth.Keys;
import espgw.ike.auth.Pem;
import espgw.ike.auth.SignatureAlgorithm;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code espgw genkey}: a new Ed25519 private key for IKEv2 authentication, like {@code wg genkey}. */
@Command(name = "genkey",
        description = "Generate a new Ed25519 private key (PEM, PKCS#8) for IKEv2 authentication (RFC 8420). "
                + "Written to standard output, or to a new file with mode 0600; an existing file is never "
                + "overwritten. 'espgw pubkey' prints its public key, 'espgw cert issue' certifies it.")
public final class GenkeyCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "FILE", description = "Write the key to this new file instead of standard output.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (out != null) {
            CredentialFiles.requireNew(out);
        }
        PrivateKey key = Keys.generate(SignatureAlgorithm.ED25519).getPrivate();
        if (out == null) {
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.print(Pem.privateKey(key));
            stdout.flush();
        } else {
            CredentialFiles.writePrivateKey(out, key);
        }
        return 0;
    }
}
