package espgw.cli;

import espgw.linux.host.HostNetwork;
import espgw.linux.host.ProcessCommandRunner;
import espgw.linux.host.UndoneChange;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code espgw down}: removes what an instance added to the host network (addresses, routes,
 * rules, sysctls, the nft table {@code ip espgw}) after it stopped or was killed, by undoing its
 * journal. The work is done by {@link HostNetwork#down}; this prints one line per change.
 */
@Command(name = "down",
        description = {
            "Undo the host network changes of a stopped or killed instance (its journal in the state",
            "directory), newest first. Refused while the instance runs; a no-op when nothing is left."})
public final class DownCommand implements Callable<Integer> {
    @Option(names = "--instance", paramLabel = "NAME", defaultValue = HostNetwork.DEFAULT_INSTANCE,
            description = "Instance to clean up (default: ${DEFAULT-VALUE}).")
    String instance;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = HostNetwork.DEFAULT_STATE_DIR,
            description = "Where instances keep their journals and locks (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<UndoneChange> undone = HostNetwork.down(instance, stateDir, new ProcessCommandRunner());
        PrintWriter out = spec.commandLine().getOut();
        if (undone.isEmpty()) {
            out.println("espgw down: nothing to undo for instance " + instance + " in " + stateDir);
        } else {
            undone.forEach(change -> out.println("  " + change));
            out.println("espgw down: undid " + undone.size() + " change(s) of instance " + instance);
        }
        out.flush();
        return 0;
    }
}
