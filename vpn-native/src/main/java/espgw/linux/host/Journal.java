package espgw.linux.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The write-ahead log of one instance's host changes: a header line, then one
 * {@link JournalEntry} per line, oldest first. {@link #append} returns only after the line is on
 * disk, so the change may be made afterwards.
 *
 * <p>A line is complete when its newline is there. A crash mid-write leaves a last line without
 * one; that entry was never fsync'ed, so its change was never made, and {@link #read} ignores it.
 */
final class Journal implements AutoCloseable {
    static final String HEADER = "espgw-journal\t1\n";

    private final Path file;
    private final FileChannel channel;
    private long sizeBeforeLastAppend = -1;

    private Journal(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Starts a new journal; fails if one exists, since that one has not been undone yet. */
    static Journal create(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Journal journal = new Journal(file, channel);
        try {
            journal.write(HEADER);
            syncDirectory(file);
            return journal;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Appends the entry and fsyncs it; only then may the change it describes be made. */
    void append(JournalEntry entry) throws IOException {
        sizeBeforeLastAppend = channel.size();
        write(entry.toLine());
    }

    /** Takes back the last append, for a change the kernel refused: it is not ours to undo. */
    void dropLast() throws IOException {
        if (sizeBeforeLastAppend < 0) {
            throw new IllegalStateException("nothing appended to drop");
        }
        channel.truncate(sizeBeforeLastAppend);
        channel.force(false);
        sizeBeforeLastAppend = -1;
    }

    private void write(String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        long position = channel.size();
        while (bytes.hasRemaining()) {
            position += channel.write(bytes, position);
        }
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    Path file() {
        return file;
    }

    /** The complete entries of {@code file}, oldest first; a torn last line is left out. */
    static List<JournalEntry> read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n') + 1;
        String[] lines = text.substring(0, end).split("\n");
        List<JournalEntry> entries = new ArrayList<>();
        if (end == 0) {
            return entries; // killed while writing the header: no change was made
        }
        if (!(lines[0] + "\n").equals(HEADER)) {
            throw new HostNetworkException(file + " is not an espgw journal (version 1): first line is '"
                    + lines[0] + "'");
        }
        for (int i = 1; i < lines.length; i++) {
            JournalEntry entry = JournalEntry.parse(lines[i]);
            if (entry == null) {
                throw new HostNetworkException(file + " line " + (i + 1) + " is not a journal entry: '"
                        + lines[i] + "'");
            }
            entries.add(entry);
        }
        return entries;
    }

    /** Replaces {@code file} atomically by a journal of {@code entries} (those still to undo). */
    static void rewrite(Path file, List<JournalEntry> entries) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.deleteIfExists(next);
        try (Journal journal = create(next)) {
            for (JournalEntry entry : entries) {
                journal.append(entry);
            }
        }
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(file);
    }

    static void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
        syncDirectory(file);
    }

    /** Makes the creation, rename or removal of {@code file} itself durable. */
    private static void syncDirectory(Path file) throws IOException {
        try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
