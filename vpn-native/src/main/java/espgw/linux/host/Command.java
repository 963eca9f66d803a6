package espgw.linux.host;

import java.util.List;

/** One external command: its argv and, for {@code nft -f -}, the script fed to its stdin. */
public record Command(List<String> argv, String stdin) {
    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
    }

    public static Command of(String... argv) {
        return new Command(List.of(argv), null);
    }

    public static Command of(List<String> argv) {
        return new Command(argv, null);
    }

    public Command withStdin(String input) {
        return new Command(argv, input);
    }

    /** The command as an operator would type it, for error messages. */
    @Override
    public String toString() {
        return String.join(" ", argv);
    }
}
