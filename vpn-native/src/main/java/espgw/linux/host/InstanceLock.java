package espgw.linux.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * {@code <stateDir>/<instance>.lock}, locked (POSIX record lock) by the one process that runs the
 * instance. The kernel drops the lock when that process dies, also by SIGKILL, so a stale file
 * never blocks; the file holds the holder's pid for the refusal message.
 *
 * <p>The holder deletes the file on release. A process that opened the file just before that
 * deletion would then lock an unlinked file, so after locking each process writes a unique token
 * and checks that the path still shows it, retrying otherwise.
 */
final class InstanceLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /** Locks the instance or fails with "instance X is already running (pid N)". */
    static InstanceLock acquire(Path stateDir, String instance) throws IOException {
        Files.createDirectories(stateDir);
        Path file = stateDir.resolve(instance + ".lock");
        while (true) {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw alreadyRunning(instance, readOrNull(file));
            }
            String content = ProcessHandle.current().pid() + " " + UUID.randomUUID() + "\n";
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            if (content.equals(readOrNull(file))) {
                return new InstanceLock(file, channel, lock);
            }
            channel.close(); // locked a file its holder deleted meanwhile; the path has a new one
        }
    }

    private static HostNetworkException alreadyRunning(String instance, String lockContent) {
        // The holder may not have written its pid yet, or may just have removed the file.
        String pid = lockContent == null || lockContent.isBlank() ? "unknown" : lockContent.strip().split(" ")[0];
        return new HostNetworkException("instance " + instance + " is already running (pid " + pid + ")");
    }

    private static String readOrNull(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file);
            lock.release();
        } finally {
            channel.close();
        }
    }
}
