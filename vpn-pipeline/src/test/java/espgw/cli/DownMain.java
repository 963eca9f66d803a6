package espgw.cli;

import picocli.CommandLine;

/** {@code espgw down} as its own program, with espgw's error handling, for child processes in tests. */
public final class DownMain {
    private DownMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new DownCommand())
                .setExecutionExceptionHandler(new OperatorErrorHandler())
                .execute(args));
    }
}
