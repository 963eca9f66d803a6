package espgw.linux.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    @TempDir
    Path dir;

    @Test
    void entriesSurviveTabsNewlinesAndBackslashesInArguments() throws IOException {
        Path file = dir.resolve("a.journal");
        List<JournalEntry> written = List.of(
                new JournalEntry("plain", List.of("ip", "link", "del", "eg0")),
                new JournalEntry("odd\tone\\", List.of("x", "a\tb", "c\nd", "e\\t", "", "f\r")));
        try (Journal journal = Journal.create(file)) {
            for (JournalEntry entry : written) {
                journal.append(entry);
            }
        }
        assertEquals(written, Journal.read(file));
        assertEquals(3, Files.readAllLines(file).size(), "one line per entry after the header");
    }

    @Test
    void tornLastLineIsIgnoredBecauseItWasNeverApplied() throws IOException {
        Path file = dir.resolve("a.journal");
        try (Journal journal = Journal.create(file)) {
            journal.append(new JournalEntry("link eg0", List.of("ip", "link", "del", "eg0")));
        }
        Files.writeString(file, "address 10.0.0.1/24\tip\t-4\taddr\tdel", StandardOpenOption.APPEND);
        assertEquals(List.of(new JournalEntry("link eg0", List.of("ip", "link", "del", "eg0"))), Journal.read(file));
    }

    @Test
    void tornHeaderMeansNothingWasApplied() throws IOException {
        Path file = dir.resolve("a.journal");
        Files.writeString(file, "espgw-jour");
        assertEquals(List.of(), Journal.read(file));
    }

    @Test
    void damagedLineInTheMiddleIsAnErrorNamingFileAndLine() throws IOException {
        Path file = dir.resolve("a.journal");
        Files.writeString(file, Journal.HEADER + "no-command-here\n" + "x\tip\tlink\tdel\teg0\n", StandardCharsets.UTF_8);
        HostNetworkException e = assertThrows(HostNetworkException.class, () -> Journal.read(file));
        assertTrue(e.getMessage().contains("a.journal line 2"), e.getMessage());
    }

    @Test
    void foreignFileIsNotTakenForAJournal() throws IOException {
        Path file = dir.resolve("a.journal");
        Files.writeString(file, "something else\n");
        HostNetworkException e = assertThrows(HostNetworkException.class, () -> Journal.read(file));
        assertTrue(e.getMessage().contains("not an espgw journal"), e.getMessage());
    }

    @Test
    void dropLastTakesBackOnlyTheLastEntry() throws IOException {
        Path file = dir.resolve("a.journal");
        try (Journal journal = Journal.create(file)) {
            journal.append(new JournalEntry("kept", List.of("true")));
            journal.append(new JournalEntry("refused", List.of("false")));
            journal.dropLast();
            journal.append(new JournalEntry("later", List.of("true", "2")));
        }
        assertEquals(List.of(new JournalEntry("kept", List.of("true")), new JournalEntry("later", List.of("true", "2"))),
                Journal.read(file));
    }

    @Test
    void createRefusesToOverwriteAJournalNotYetUndone() throws IOException {
        Path file = dir.resolve("a.journal");
        Journal.create(file).close();
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> Journal.create(file));
    }
}
