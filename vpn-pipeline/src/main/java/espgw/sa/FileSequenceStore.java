package espgw.sa;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * {@link SequenceStore} as one small text file per outbound SPI in a state directory
 * ({@code out-0000abcd.seq} holding a decimal number). A reservation is written to a temporary
 * file, forced to disk and renamed over the old one, so a crash leaves either the old or the new
 * value, never a torn one; the directory is forced too so the rename itself survives a power cut.
 * The value is keyed by SPI only: a new key under an old SPI merely starts higher.
 */
public final class FileSequenceStore implements SequenceStore {
    private final Path directory;
    private final long block;

    public FileSequenceStore(Path directory) {
        this(directory, DEFAULT_BLOCK);
    }

    public FileSequenceStore(Path directory, long block) {
        if (block <= 0) {
            throw new IllegalArgumentException("reservation block must be positive, got " + block);
        }
        this.directory = directory;
        this.block = block;
    }

    @Override
    public long block() {
        return block;
    }

    @Override
    public long reserved(int spi) throws IOException {
        try {
            String text = Files.readString(file(spi), StandardCharsets.US_ASCII).trim();
            return Long.parseUnsignedLong(text);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (NumberFormatException e) {
            // Refuse to guess: starting low could reuse IVs.
            throw new IOException("corrupt sequence reservation in " + file(spi), e);
        }
    }

    @Override
    public void reserve(int spi, long upTo) throws IOException {
        Files.createDirectories(directory);
        Path target = file(spi);
        Path temporary = directory.resolve(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap((Long.toUnsignedString(upTo) + "\n").getBytes(StandardCharsets.US_ASCII)));
            channel.force(true);
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("state directory " + directory + " does not support atomic rename", e);
        }
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private Path file(int spi) {
        return directory.resolve(String.format("out-%08x.seq", spi));
    }
}
