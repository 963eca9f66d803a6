package espgw.linux.host;

import java.io.IOException;

/**
 * Runs a {@link Command} to completion. {@link ProcessCommandRunner} runs real processes; tests
 * use a fake that records the commands and plays the kernel's part.
 */
@FunctionalInterface
public interface CommandRunner {
    /**
     * Returns the exit code and both outputs; a non-zero exit is a result, not an exception.
     *
     * @throws IOException when the command cannot be started or does not finish in time
     */
    Result run(Command command) throws IOException;

    record Result(int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }
}
