package espgw.cli;

import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns failures an operator can act on (bad config, missing privileges, a failed system call)
 * into one line on stderr and an exit code, instead of a stack trace. Anything else is a bug and
 * keeps its stack trace.
 */
final class OperatorErrorHandler implements IExecutionExceptionHandler {
    /** Exit code for a configuration or usage problem (also picocli's for bad arguments). */
    static final int EXIT_USAGE = 2;
    /** Exit code for a runtime failure (system call, host setup). */
    static final int EXIT_FAILURE = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) throws Exception {
        if (e instanceof OperatorException oe) {
            cmd.getErr().println("espgw: " + oe.getMessage());
            return oe.exitCode();
        }
        if (e instanceof IOException) {
            cmd.getErr().println("espgw: " + e.getMessage());
            return EXIT_FAILURE;
        }
        throw e;
    }
}
