package espgw.cli;

import espgw.daemon.PacketBuffers;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code espgw} command: a userspace IPsec (ESP) gateway. Subcommands do the work. */
@Command(name = "espgw",
        mixinStandardHelpOptions = true,
        // Every subcommand takes -h/--help too, as the footer promises.
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = VersionCommand.Provider.class,
        description = {
            "Userspace IPsec (ESP, RFC 4303) gateway: every IPv4 packet between your hosts,",
            "also between hosts on the same LAN subnet, crosses the wire encrypted."},
        subcommands = {DemoCommand.class, UpCommand.class, DownCommand.class, StatusCommand.class,
            GenkeyCommand.class, PubkeyCommand.class, CertCommand.class,
            VersionCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run 'espgw COMMAND --help' for the options of a command."})
public final class EspgwCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        PacketBuffers.configure(); // before anything uses Netty
        System.exit(newCommandLine().execute(args));
    }

    /** The command line with espgw's conventions: exit code 2 for usage errors, no stack traces. */
    public static CommandLine newCommandLine() {
        return new CommandLine(new EspgwCommand())
                .setExecutionExceptionHandler(new OperatorErrorHandler());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
