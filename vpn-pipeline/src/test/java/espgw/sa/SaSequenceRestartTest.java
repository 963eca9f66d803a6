package espgw.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Must-show 5: processes that run one after another with the same manual key and state directory
 * never emit the same IV, including after a kill -9. Each lifetime is a real child JVM.
 */
class SaSequenceRestartTest {
    private static final int BLOCK = 64;

    @TempDir
    Path state;

    @Test
    void restartedProcessesNeverRepeatAnIv() throws Exception {
        Set<Long> seen = new HashSet<>();
        long highest = 0;
        for (int run = 0; run < 2; run++) {
            List<Long> ivs = child(300);
            assertEquals(300, ivs.size());
            highest = addDisjoint(seen, ivs, highest);
        }
        // Third lifetime killed with SIGKILL mid-stream, then a fourth.
        Process killed = start(0);
        List<Long> before = new ArrayList<>();
        try (BufferedReader reader = reader(killed)) {
            while (before.size() < 500) {
                parse(reader.readLine(), before);
            }
            // SIGKILL through the handle: Process.destroyForcibly() would also close our pipe.
            killed.toHandle().destroyForcibly();
            assertTrue(killed.waitFor(30, TimeUnit.SECONDS));
            // Whatever it printed before dying was used too.
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                parse(line, before);
            }
        }
        highest = addDisjoint(seen, before, highest);
        addDisjoint(seen, child(300), highest);
    }

    @Test
    void aCorruptStateFileStopsTheSaInsteadOfGuessing() throws Exception {
        Files.writeString(state.resolve("out-00005eed.seq"), "garbage\n");
        FileSequenceStore store = new FileSequenceStore(state, BLOCK);
        assertThrows(IOException.class, () -> store.reserved(0x5eed));
        store.reserve(0x5eed, 1234);
        assertEquals(1234, store.reserved(0x5eed));
        assertEquals(List.of("out-00005eed.seq"), Files.list(state).map(p -> p.getFileName().toString()).toList());
    }

    /** Adds one lifetime's IVs; none seen before, all above the previous lifetimes'. */
    private static long addDisjoint(Set<Long> seen, List<Long> ivs, long highest) {
        for (long iv : ivs) {
            assertTrue(seen.add(iv), "IV " + Long.toHexString(iv) + " repeated");
            assertTrue(iv > highest, "IV " + Long.toHexString(iv) + " not above the earlier lifetimes'");
        }
        return Collections.max(ivs);
    }

    private List<Long> child(int count) throws IOException, InterruptedException {
        Process process = start(count);
        List<Long> ivs = new ArrayList<>();
        try (BufferedReader reader = reader(process)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                parse(line, ivs);
            }
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), new String(process.getErrorStream().readAllBytes(),
                StandardCharsets.UTF_8));
        return ivs;
    }

    private Process start(int count) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(java.toString(), "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-Dio.netty.leakDetection.level=DISABLED" ,
                "-cp", System.getProperty("java.class.path"), SequenceRestartChild.class.getName(),
                state.toString(), Integer.toString(count), Integer.toString(BLOCK));
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        return builder.start();
    }

    private static void parse(String line, List<Long> ivs) {
        if (line.startsWith(SequenceRestartChild.PREFIX)) {
            ivs.add(Long.parseUnsignedLong(line.substring(SequenceRestartChild.PREFIX.length()), 16));
        }
    }

    private static BufferedReader reader(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    }
}
