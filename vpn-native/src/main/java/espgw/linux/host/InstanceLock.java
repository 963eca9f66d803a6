package espgw.linux.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code <stateDir>/<instance>.lock}, locked (POSIX record lock) by the one process that runs the
 * instance. The kernel drops the lock when that process dies, also by SIGKILL, so a stale file
 * never blocks; while locked, the file holds the holder's pid for the refusal message.
 *
 * <p>POSIX locks belong to the process and vanish when it closes <em>any</em> descriptor of the
 * file. Hence the holder never opens the file a second time, this JVM refuses its own second
 * attempt from a registry before touching the file, and the file is emptied but not deleted on
 * release (deleting it would let a waiting process lock an unlinked file).
 */
final class InstanceLock implements AutoCloseable {
    private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Set<Path> HELD_BY_THIS_JVM = ConcurrentHashMap.newKeySet();

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
        // The name becomes part of file names in stateDir: no path separators, no hidden files.
        if (!VALID_NAME.matcher(instance).matches()) {
            throw new HostNetworkException("invalid instance name '" + instance
                    + "': use letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
        Files.createDirectories(stateDir);
        Path file = stateDir.resolve(instance + ".lock").toAbsolutePath().normalize();
        if (!HELD_BY_THIS_JVM.add(file)) {
            throw alreadyRunning(instance, String.valueOf(ProcessHandle.current().pid()));
        }
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw alreadyRunning(instance, readPid(file));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new InstanceLock(file, channel, lock);
        } catch (IOException | RuntimeException e) {
            HELD_BY_THIS_JVM.remove(file);
            throw e;
        }
    }

    private static HostNetworkException alreadyRunning(String instance, String pid) {
        return new HostNetworkException("instance " + instance + " is already running (pid " + pid + ")");
    }

    /** Opening the file is harmless here: this process holds no lock on it. */
    private static String readPid(Path file) throws IOException {
        try {
            String pid = Files.readString(file, StandardCharsets.UTF_8).strip();
            return pid.isEmpty() ? "unknown, it is just starting" : pid;
        } catch (NoSuchFileException e) {
            return "unknown";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.truncate(0); // the pid of a stopped instance would mislead
            lock.release();
            channel.close();
        } finally {
            HELD_BY_THIS_JVM.remove(file);
        }
    }
}
