package espgw.linux.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Journal and undo logic against {@link FakeHost}; no privileges needed. */
class HostNetworkTest {
    private static final String INSTANCE = "test0";

    @TempDir
    Path stateDir;

    private final FakeHost host = new FakeHost();

    @Test
    void closeUndoesEveryChangeNewestFirstAndRemovesTheJournal() throws IOException {
        try (HostNetwork network = HostNetwork.open(INSTANCE, stateDir, host)) {
            applySampleChanges(network);
            assertEquals(7, host.objects.size());
            assertEquals("1", host.sysctls.get("net.ipv4.ip_forward"));
            host.commands.clear();
        }
        assertEquals(List.of(
                "nft delete table ip espgw",
                "sysctl -w net.ipv4.ip_forward=0",
                "ip -4 rule del fwmark 0x1 lookup 100 priority 100",
                "ip -4 route del 10.8.0.0/16 dev eg0 table 100",
                "ip -4 route del 10.9.0.0/16 dev eg0",
                "ip -4 addr del 10.7.0.1/24 dev eg0",
                "ip link set eg0 down",
                "ip link del eg0"), host.commandLines());
        assertEquals(List.of(), List.copyOf(host.objects));
        assertEquals("0", host.sysctls.get("net.ipv4.ip_forward"));
        assertFalse(Files.exists(HostNetwork.journalFile(stateDir, INSTANCE)));
        assertEquals(0, Files.size(stateDir.resolve(INSTANCE + ".lock")), "no pid of a stopped instance");
    }

    @Test
    void downUndoesTheJournalOfAKilledProcessAndIsThenANoOp() throws IOException {
        writeJournalOfDeadProcess(List.of(
                new JournalEntry("link eg0 (dummy)", List.of("ip", "link", "del", "eg0")),
                new JournalEntry("route 10.9.0.0/16 dev eg0", List.of("ip", "-4", "route", "del", "10.9.0.0/16", "dev", "eg0"))));
        host.objects.add("ip link eg0");
        host.objects.add("ip -4 route ~ 10.9.0.0/16 dev eg0");

        List<UndoneChange> undone = HostNetwork.down(INSTANCE, stateDir, host);

        assertEquals(List.of(new UndoneChange("route 10.9.0.0/16 dev eg0", true), new UndoneChange("link eg0 (dummy)", true)),
                undone);
        assertTrue(host.objects.isEmpty());
        assertFalse(Files.exists(HostNetwork.journalFile(stateDir, INSTANCE)));
        host.commands.clear();
        assertEquals(List.of(), HostNetwork.down(INSTANCE, stateDir, host));
        assertEquals(List.of(), host.commands, "second down runs no command");
    }

    @Test
    void lastEntryWrittenButNeverAppliedCountsAsAlreadyGone() throws IOException {
        writeJournalOfDeadProcess(List.of(
                new JournalEntry("link eg0 (dummy)", List.of("ip", "link", "del", "eg0")),
                new JournalEntry("nftables table ip espgw", List.of("nft", "delete", "table", "ip", "espgw"))));
        host.objects.add("ip link eg0");

        List<UndoneChange> undone = HostNetwork.down(INSTANCE, stateDir, host);

        assertEquals(List.of(new UndoneChange("nftables table ip espgw", false), new UndoneChange("link eg0 (dummy)", true)),
                undone);
        assertFalse(Files.exists(HostNetwork.journalFile(stateDir, INSTANCE)));
    }

    @Test
    void tornLastLineIsNotUndone() throws IOException {
        writeJournalOfDeadProcess(List.of(new JournalEntry("link eg0 (dummy)", List.of("ip", "link", "del", "eg0"))));
        Files.writeString(HostNetwork.journalFile(stateDir, INSTANCE), "route 10.9.0.0/16\tip\t-4\tro",
                StandardOpenOption.APPEND);
        host.objects.add("ip link eg0");

        assertEquals(List.of(new UndoneChange("link eg0 (dummy)", true)), HostNetwork.down(INSTANCE, stateDir, host));
        assertEquals(List.of("ip link del eg0"), host.commandLines());
    }

    @Test
    void openUndoesAStaleJournalBeforeStartingANewOne() throws IOException {
        writeJournalOfDeadProcess(List.of(new JournalEntry("link eg0 (dummy)", List.of("ip", "link", "del", "eg0"))));
        host.objects.add("ip link eg0");

        try (HostNetwork network = HostNetwork.open(INSTANCE, stateDir, host)) {
            assertEquals(List.of(new UndoneChange("link eg0 (dummy)", true)), network.staleChangesUndone());
            assertTrue(host.objects.isEmpty());
            network.addLink("eg0", "dummy");
            assertEquals(1, Journal.read(HostNetwork.journalFile(stateDir, INSTANCE)).size());
        }
        assertTrue(host.objects.isEmpty());
    }

    @Test
    void refusedChangeIsReportedWithCommandAndStderrAndLeavesNoEntry() throws IOException {
        host.objects.add("ip -4 addr ~ 10.7.0.1/24 dev eg0"); // someone else's address: not ours to remove
        try (HostNetwork network = HostNetwork.open(INSTANCE, stateDir, host)) {
            network.addLink("eg0", "dummy");
            HostNetworkException e = assertThrows(HostNetworkException.class,
                    () -> network.addAddress("10.7.0.1/24", "eg0"));
            assertEquals("instance test0: adding address 10.7.0.1/24 on eg0: 'ip -4 addr add 10.7.0.1/24 dev eg0' "
                    + "failed (exit 2): RTNETLINK answers: File exists", e.getMessage());
            assertEquals(1, Journal.read(HostNetwork.journalFile(stateDir, INSTANCE)).size());
        }
        assertEquals(List.of("ip -4 addr ~ 10.7.0.1/24 dev eg0"), List.copyOf(host.objects));
    }

    @Test
    void nftTableOfSomeoneElseIsNeitherTakenOverNorRemoved() throws IOException {
        host.objects.add(FakeHost.NFT_TABLE);
        try (HostNetwork network = HostNetwork.open(INSTANCE, stateDir, host)) {
            assertThrows(HostNetworkException.class, () -> network.loadNftTable("set peers { type ipv4_addr; }"));
        }
        assertEquals(List.of(FakeHost.NFT_TABLE), List.copyOf(host.objects));
    }

    @Test
    void onlyTheFirstNftLoadCreatesTheTable() throws IOException {
        try (HostNetwork network = HostNetwork.open(INSTANCE, stateDir, host)) {
            network.loadNftTable("set peers { type ipv4_addr; }");
            network.loadNftTable("chain out { type filter hook output priority 0; }");
            assertEquals("create table ip espgw\ntable ip espgw {\nset peers { type ipv4_addr; }\n}\n",
                    host.commands.get(0).stdin());
            assertEquals("table ip espgw {\nchain out { type filter hook output priority 0; }\n}\n",
                    host.commands.get(1).stdin());
            assertEquals(1, Journal.read(HostNetwork.journalFile(stateDir, INSTANCE)).size());
        }
        assertTrue(host.objects.isEmpty());
    }

    @Test
    void failedReversalsStayInTheJournalForTheNextDown() throws IOException {
        writeJournalOfDeadProcess(List.of(
                new JournalEntry("link eg0 (dummy)", List.of("ip", "link", "del", "eg0")),
                new JournalEntry("route 10.9.0.0/16 dev eg0", List.of("ip", "-4", "route", "del", "10.9.0.0/16", "dev", "eg0")),
                new JournalEntry("rule fwmark 0x1", List.of("ip", "-4", "rule", "del", "fwmark", "0x1"))));
        host.objects.addAll(List.of("ip link eg0", "ip -4 route ~ 10.9.0.0/16 dev eg0", "ip -4 rule ~ fwmark 0x1"));
        host.failCommandsContaining = "route";

        HostNetworkException e = assertThrows(HostNetworkException.class, () -> HostNetwork.down(INSTANCE, stateDir, host));

        assertTrue(e.getMessage().startsWith("1 change(s) could not be undone"), e.getMessage());
        assertTrue(e.getMessage().contains("'ip -4 route del 10.9.0.0/16 dev eg0' failed (exit 2): "
                + "RTNETLINK answers: Operation not permitted"), e.getMessage());
        assertEquals(List.of("ip -4 route ~ 10.9.0.0/16 dev eg0"), List.copyOf(host.objects),
                "the other changes were still undone");
        host.failCommandsContaining = null;
        assertEquals(List.of(new UndoneChange("route 10.9.0.0/16 dev eg0", true)), HostNetwork.down(INSTANCE, stateDir, host));
        assertTrue(host.objects.isEmpty());
    }

    @Test
    void missingToolIsAFailureNotAnAlreadyGoneObject() throws IOException {
        writeJournalOfDeadProcess(List.of(
                new JournalEntry("nftables table ip espgw", List.of("nft", "delete", "table", "ip", "espgw"))));
        host.objects.add(FakeHost.NFT_TABLE);
        host.failCommandsContaining = "nft";
        host.failureExitCode = ProcessCommandRunner.EXIT_NOT_STARTED;
        host.failureMessage = "Cannot run program \"nft\": error=2, No such file or directory";

        HostNetworkException e = assertThrows(HostNetworkException.class, () -> HostNetwork.down(INSTANCE, stateDir, host));

        assertTrue(e.getMessage().contains("'nft delete table ip espgw' failed (exit 127): Cannot run program"),
                e.getMessage());
        assertEquals(1, Journal.read(HostNetwork.journalFile(stateDir, INSTANCE)).size());
    }

    @Test
    void secondProcessOfARunningInstanceIsRefusedWithThePid() throws IOException {
        try (HostNetwork running = HostNetwork.open(INSTANCE, stateDir, host)) {
            String expected = "instance test0 is already running (pid " + ProcessHandle.current().pid() + ")";
            assertEquals(expected, assertThrows(HostNetworkException.class,
                    () -> HostNetwork.open(INSTANCE, stateDir, host)).getMessage());
            assertEquals(expected, assertThrows(HostNetworkException.class,
                    () -> HostNetwork.down(INSTANCE, stateDir, host)).getMessage());
            try (HostNetwork other = HostNetwork.open("test1", stateDir, host)) {
                other.addLink("eg1", "dummy");
            }
        }
    }

    @Test
    void instanceNameCannotEscapeTheStateDirectory() {
        HostNetworkException e = assertThrows(HostNetworkException.class,
                () -> HostNetwork.down("../etc/x", stateDir, host));
        assertTrue(e.getMessage().startsWith("invalid instance name '../etc/x'"), e.getMessage());
    }

    private void writeJournalOfDeadProcess(List<JournalEntry> entries) throws IOException {
        try (Journal journal = Journal.create(HostNetwork.journalFile(stateDir, INSTANCE))) {
            for (JournalEntry entry : entries) {
                journal.append(entry);
            }
        }
    }

    static void applySampleChanges(HostNetwork network) throws IOException {
        network.addLink("eg0", "dummy");
        network.setLinkUp("eg0");
        network.addAddress("10.7.0.1/24", "eg0");
        network.addRoute("10.9.0.0/16", "dev", "eg0");
        network.addRoute("10.8.0.0/16", "dev", "eg0", "table", "100");
        network.addRule("fwmark", "0x1", "lookup", "100", "priority", "100");
        network.setSysctl("net.ipv4.ip_forward", "1");
        network.loadNftTable("set peers { type ipv4_addr; }");
    }
}
