package espgw.cli;

/** A failure reported to the operator as one line, with the exit code the command ends with. */
public final class OperatorException extends RuntimeException {
    private final int exitCode;

    public OperatorException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public static OperatorException badConfig(String message) {
        return new OperatorException(message, OperatorErrorHandler.EXIT_USAGE);
    }

    public int exitCode() {
        return exitCode;
    }
}
