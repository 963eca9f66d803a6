package espgw.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code espgw down} prints; the journal's reversals here are {@code true}, so no privileges. */
class DownCommandTest {
    @TempDir
    Path stateDir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void listsWhatItUndidNewestFirst() throws IOException {
        Files.writeString(stateDir.resolve("gw1.journal"),
                "espgw-journal\t1\nlink eg0 (dummy)\ttrue\nroute 10.9.0.0/16 dev eg0\ttrue\n");

        assertEquals(0, execute("--instance", "gw1", "--state-dir", stateDir.toString()));

        assertEquals("""
                  undone: route 10.9.0.0/16 dev eg0
                  undone: link eg0 (dummy)
                espgw down: undid 2 change(s) of instance gw1
                """, out.toString());
        assertFalse(Files.exists(stateDir.resolve("gw1.journal")));
    }

    @Test
    void nothingToUndoIsSuccess() {
        assertEquals(0, execute("--state-dir", stateDir.toString()));
        assertEquals("espgw down: nothing to undo for instance espgw in " + stateDir + "\n", out.toString());
    }

    @Test
    void failureIsOneLineOnStderr() {
        assertEquals(1, execute("--instance", "../x", "--state-dir", stateDir.toString()));
        assertEquals("espgw: invalid instance name '../x': use letters, digits, '.', '_' and '-', "
                + "starting with a letter or digit\n", err.toString());
    }

    private int execute(String... args) {
        return new CommandLine(new DownCommand())
                .setExecutionExceptionHandler(new OperatorErrorHandler())
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(err))
                .execute(args);
    }
}
