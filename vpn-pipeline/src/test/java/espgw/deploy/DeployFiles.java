package espgw.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's {@code deploy/} directory, seen from a module's working directory. */
final class DeployFiles {
    private DeployFiles() {
    }

    static Path path(String relative) {
        Path file = Path.of(System.getProperty("user.dir")).resolve("../deploy").resolve(relative).normalize();
        if (!Files.exists(file)) {
            throw new AssertionError("missing deploy file " + file);
        }
        return file;
    }
}
