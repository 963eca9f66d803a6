package espgw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The largest read buffers come back from the event loop's own cache, not the allocator's shared arena. */
class PacketBuffersTest {
    @Test
    void afterConfigureTheLargestReadsAreServedFromTheThreadCache() throws Exception {
        // The first of three allocations of each size fills the cache; the other two come from it.
        assertEquals(expected(1), probe("configure"));
    }

    @Test
    void withNettysDefaultLimitEveryLargeReadGoesToTheArena() throws Exception {
        assertEquals(expected(3), probe());
    }

    @Test
    void anOperatorsOwnLimitIsKept() throws Exception {
        assertEquals(expected(3), probe("-D" + PacketBuffers.MAX_CACHED_PROPERTY + "=32768", "configure"));
    }

    private static String expected(int arenaAllocations) {
        StringBuilder lines = new StringBuilder();
        for (int size : PacketBuffersProbe.LARGEST_READS) {
            lines.append(size).append(' ').append(arenaAllocations).append('\n');
        }
        return lines.toString();
    }

    /** The probe's output, in a new JVM; arguments starting with -D go to the JVM, the rest to the probe. */
    private static String probe(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        for (String argument : arguments) {
            if (argument.startsWith("-D")) {
                command.add(argument);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PacketBuffersProbe.class.getName()));
        for (String argument : arguments) {
            if (!argument.startsWith("-D")) {
                command.add(argument);
            }
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("probe did not finish: " + output);
        }
        assertEquals(0, process.exitValue(), output);
        return output;
    }
}
