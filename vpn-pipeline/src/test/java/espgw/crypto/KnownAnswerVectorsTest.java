package espgw.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class KnownAnswerVectorsTest {
    @Test
    void theCopyInTheTestResourcesIsTheSharedFile() throws Exception {
        String shared = System.getProperty("espgw.shared.dir");
        Path file = shared == null ? null : Path.of(shared, "vectors", "esp-kat.json");
        Assumptions.assumeTrue(file != null && Files.isRegularFile(file),
                "SKIPPED LOUDLY: no shared folder beside this checkout (" + file + "), so the copy of the"
                        + " known-answer vectors in src/test/resources/vectors cannot be compared with it");
        assertArrayEquals(Files.readAllBytes(file), KnownAnswerVectors.copy(),
                "src/test/resources/vectors/esp-kat.json differs from " + file + ": copy the shared file again");
    }
}
