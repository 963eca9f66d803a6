package espgw.linux.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProcessCommandRunnerTest {
    private final ProcessCommandRunner runner = new ProcessCommandRunner(Duration.ofSeconds(2));

    @Test
    void feedsStdinAndSeparatesBothOutputs() throws IOException {
        CommandRunner.Result result = runner.run(
                Command.of("sh", "-c", "cat; echo oops >&2; exit 3").withStdin("table ip espgw {}\n"));
        assertEquals(new CommandRunner.Result(3, "table ip espgw {}\n", "oops\n"), result);
    }

    @Test
    void missingProgramIsExit127() throws IOException {
        CommandRunner.Result result = runner.run(Command.of("/nonexistent/espgw-no-such-tool"));
        assertEquals(ProcessCommandRunner.EXIT_NOT_STARTED, result.exitCode());
        assertTrue(result.stderr().startsWith("could not start '/nonexistent/espgw-no-such-tool' (is it installed"),
                result.stderr());
    }

    @Test
    void commandOutlivingTheTimeoutIsKilledAndReported() {
        IOException e = assertThrows(IOException.class, () -> runner.run(Command.of("sleep", "30")));
        assertEquals("'sleep 30' did not finish within 2 s and was killed", e.getMessage());
    }
}
