package espgw.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.lab.Lab;
import espgw.testing.Privileges;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README's first command does what it says, and leaves no namespace behind. */
class DemoCommandTest {
    @Test
    void theDemoPassesAndCleansUp() {
        Privileges.requireNetnsLab();
        Privileges.requireCommand("tcpdump");

        StringWriter out = new StringWriter();
        int exit = new CommandLine(new DemoCommand()).setOut(new PrintWriter(out)).execute("--megabytes", "5");
        assertEquals(0, exit, out.toString());
        assertTrue(out.toString().contains("only ESP on the wire ........... yes"), out.toString());
        assertTrue(out.toString().contains("demo: PASSED"), out.toString());
        assertTrue(Lab.run("ip", "netns", "list").lines().noneMatch(ns -> ns.startsWith("demo")),
                "the demo left namespaces behind: " + Lab.run("ip", "netns", "list"));
    }
}
