package espgw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The largest read buffers come back from the event loop's own cache, not the allocator's shared
 * arena, and a super-packet's worth of slices released together goes back to the recycler without
 * allocating.
 */
class PacketBuffersTest {
    @Test
    void afterConfigureTheLargestReadsAreServedFromTheThreadCache() throws Exception {
        // The first of three allocations of each size fills the cache; the other two come from it.
        assertEquals(expected(1), sizeLines(probe("configure")));
    }

    @Test
    void withNettysDefaultLimitEveryLargeReadGoesToTheArena() throws Exception {
        assertEquals(expected(3), sizeLines(probe()));
    }

    @Test
    void anOperatorsOwnLimitIsKept() throws Exception {
        assertEquals(expected(3), sizeLines(probe("-D" + PacketBuffers.MAX_CACHED_PROPERTY + "=32768", "configure")));
    }

    @Test
    void afterConfigureSlicesReleasedTogetherAllocateNothing() throws Exception {
        assertEquals(0, slicesLine(probe("configure")));
    }

    @Test
    void withNettysDefaultRecyclerSlicesReleasedTogetherAllocate() throws Exception {
        assertTrue(slicesLine(probe()) > 0, "the recycler keeps 32 released objects per thread without allocating");
    }

    @Test
    void anOperatorsOwnRecyclerChunkSizeIsKept() throws Exception {
        assertTrue(slicesLine(probe("-D" + PacketBuffers.RECYCLER_CHUNK_PROPERTY + "=32", "configure")) > 0);
    }

    private static String expected(int arenaAllocations) {
        StringBuilder lines = new StringBuilder();
        for (int size : PacketBuffersProbe.LARGEST_READS) {
            lines.append(size).append(' ').append(arenaAllocations).append('\n');
        }
        return lines.toString();
    }

    private static String sizeLines(String output) {
        return output.substring(0, output.indexOf("slices "));
    }

    /** Heap bytes per slice the probe measured. */
    private static long slicesLine(String output) {
        String line = output.substring(output.indexOf("slices ") + "slices ".length()).strip();
        return Long.parseLong(line);
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
