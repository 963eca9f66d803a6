package espgw.linux.host;

import java.io.IOException;

/** A host change or its reversal failed; the message names the command and quotes its stderr. */
public final class HostNetworkException extends IOException {
    public HostNetworkException(String message) {
        super(message);
    }

    static HostNetworkException commandFailed(String what, Command command, CommandRunner.Result result) {
        String stderr = result.stderr().strip();
        return new HostNetworkException(what + ": '" + command + "' failed (exit " + result.exitCode() + "): "
                + (stderr.isEmpty() ? "no message on stderr" : stderr));
    }
}
