package espgw.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README promises {@code espgw COMMAND --help}: every command, nested ones too, answers it. */
class HelpOptionTest {
    @Test
    void everyCommandPrintsItsUsageForHelp() {
        List<List<String>> commands = new ArrayList<>();
        collect(EspgwCommand.newCommandLine(), new ArrayList<>(), commands);
        assertTrue(commands.size() > 10, () -> "found only " + commands);
        for (List<String> command : commands) {
            for (String help : new String[] {"--help", "-h"}) {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                CommandLine line = EspgwCommand.newCommandLine();
                line.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
                List<String> args = new ArrayList<>(command);
                args.add(help);
                assertEquals(0, line.execute(args.toArray(String[]::new)), () -> args + ": " + err);
                String name = command.isEmpty() ? "espgw" : command.get(command.size() - 1);
                assertTrue(out.toString().startsWith("Usage: "), () -> args + " printed " + out);
                assertTrue(out.toString().contains(name), () -> args + " printed " + out);
            }
        }
    }

    private static void collect(CommandLine line, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        line.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> deeper = new ArrayList<>(path);
                deeper.add(name);
                collect(sub, deeper, into);
            }
        });
    }
}
