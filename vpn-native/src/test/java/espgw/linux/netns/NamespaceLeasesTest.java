package espgw.linux.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.testing.NetnsLab;
import espgw.testing.Privileges;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lease files and the sweep, with a recording stand-in for {@code ip netns del}; and once for real:
 * a namespace with a process in it, left by an owner that is gone.
 */
class NamespaceLeasesTest {
    @TempDir
    Path directory;

    private final List<String> deleted = new ArrayList<>();
    private final List<String> reported = new ArrayList<>();

    /** The lease name of a process that has ended. */
    private static String goneOwner() throws IOException, InterruptedException {
        Process gone = new ProcessBuilder("sleep", "0.2").start();
        String owner = NamespaceLeases.ownerName(gone.toHandle());
        assertEquals(0, gone.waitFor());
        return owner;
    }

    private NamespaceLeases open() {
        return NamespaceLeases.open(directory, deleted::add, reported::add);
    }

    @Test
    void theNamespacesOfAnOwnerThatIsGoneAreDeletedWithItsLease() throws Exception {
        String goneOwner = goneOwner();
        Files.writeString(directory.resolve(goneOwner), "eg1x1-a\neg1x1-b\n");

        open();

        assertEquals(List.of("eg1x1-a", "eg1x1-b"), deleted);
        assertEquals(deleted, reported);
        assertFalse(Files.exists(directory.resolve(goneOwner)));
    }

    @Test
    void anAbandonedNamespaceGoesWithTheProcessesInIt() throws Exception {
        Privileges.requireNetnsLab();
        String namespace = "lease" + ProcessHandle.current().pid() % 100000 + "-t";
        NetnsLab.run("ip", "netns", "add", namespace);
        Process inside = new ProcessBuilder("ip", "netns", "exec", namespace, "sleep", "600").start();
        try {
            Files.writeString(directory.resolve(goneOwner()), namespace + "\n");

            NamespaceLeases.open(directory, reported::add);

            assertEquals(List.of(namespace), reported);
            assertTrue(inside.waitFor(30, TimeUnit.SECONDS), "the process in the namespace was not ended");
            assertFalse(NetnsLab.run("ip", "netns", "list").contains(namespace));
        } finally {
            inside.destroyForcibly();
            NetnsLab.execute(30, "ip", "netns", "del", namespace);
        }
    }

    @Test
    void aLiveOwnersNamespacesStay() throws IOException {
        Path mine = directory.resolve(NamespaceLeases.ownerName(ProcessHandle.current()));
        Files.writeString(mine, "eg2x1-a\n");

        open();

        assertEquals(List.of(), deleted);
        assertTrue(Files.exists(mine));
    }

    @Test
    void aReusedPidIsNotMistakenForTheOwner() throws IOException {
        Path earlierOwner = directory.resolve(ProcessHandle.current().pid() + "-12345");
        Files.writeString(earlierOwner, "eg3x1-a\n");

        open();

        assertEquals(List.of("eg3x1-a"), deleted);
        assertFalse(Files.exists(earlierOwner));
    }

    @Test
    void filesThatAreNotLeasesAreLeftAlone() throws IOException {
        Files.writeString(directory.resolve("notes"), "eg4x1-a\n");

        open();

        assertEquals(List.of(), deleted);
        assertTrue(Files.exists(directory.resolve("notes")));
    }

    @Test
    void theLeaseFileListsWhatIsTakenAndGoesWithTheLastRelease() throws IOException {
        NamespaceLeases leases = open();
        Path mine = directory.resolve(NamespaceLeases.ownerName(ProcessHandle.current()));

        leases.taken("eg5x1-a");
        leases.taken("eg5x1-b");
        assertEquals(List.of("eg5x1-a", "eg5x1-b"), Files.readAllLines(mine));
        leases.released("eg5x1-a");
        assertEquals(List.of("eg5x1-b"), Files.readAllLines(mine));
        leases.released("eg5x1-b");
        assertFalse(Files.exists(mine));
        leases.released("eg5x1-b"); // a second release of nothing is harmless
    }
}
