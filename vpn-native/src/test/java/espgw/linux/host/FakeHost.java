package espgw.linux.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plays the kernel for {@link HostNetwork}: keeps the set of objects that ip and nft commands
 * added, answers with the real tools' exit codes and messages (File exists, No such process), and
 * records every command. Tests make chosen commands fail to see how the journal copes.
 */
final class FakeHost implements CommandRunner {
    private static final Set<String> ADDING = Set.of("add", "up");
    private static final Set<String> REMOVING = Set.of("del", "down");
    static final String NFT_TABLE = "nft table ip espgw";

    final List<Command> commands = new ArrayList<>();
    final Set<String> objects = new LinkedHashSet<>();
    final Map<String, String> sysctls = new HashMap<>();
    /** Commands whose text contains this fail with {@link #failureMessage}, as EPERM would. */
    String failCommandsContaining;
    String failureMessage = "RTNETLINK answers: Operation not permitted";
    int failureExitCode = 2;

    @Override
    public Result run(Command command) {
        commands.add(command);
        if (failCommandsContaining != null && command.toString().contains(failCommandsContaining)) {
            return new Result(failureExitCode, "", failureMessage + "\n");
        }
        List<String> argv = command.argv();
        switch (argv.get(0)) {
            case "sysctl" -> {
                if (argv.get(1).equals("-n")) {
                    return new Result(0, sysctls.getOrDefault(argv.get(2), "0") + "\n", "");
                }
                String[] keyValue = argv.get(2).split("=", 2);
                sysctls.put(keyValue[0], keyValue[1]);
                return new Result(0, "", "");
            }
            case "nft" -> {
                if (argv.get(1).equals("delete")) {
                    return remove(NFT_TABLE, "Error: Could not process rule: No such file or directory");
                }
                return command.stdin().startsWith("create table") ? add(NFT_TABLE) : ok();
            }
            case "ip" -> {
                // The object is the command with its verb blanked: "ip -4 route ~ 10.0.0.0/8 dev eg0".
                List<String> words = new ArrayList<>(argv);
                int verbAt = 1;
                while (!ADDING.contains(words.get(verbAt)) && !REMOVING.contains(words.get(verbAt))) {
                    verbAt++;
                }
                String verb = words.set(verbAt, "~");
                // A link is deleted by name alone, whatever type it was added with.
                String object = argv.get(1).equals("link") && !argv.get(2).equals("set")
                        ? "ip link " + argv.get(3) : String.join(" ", words);
                return ADDING.contains(verb) ? add(object) : remove(object, "RTNETLINK answers: No such process");
            }
            default -> throw new AssertionError("unexpected command " + command);
        }
    }

    private Result add(String object) {
        return objects.add(object) ? ok() : new Result(2, "", "RTNETLINK answers: File exists\n");
    }

    private Result remove(String object, String absentMessage) {
        return objects.remove(object) ? ok() : new Result(2, "", absentMessage + "\n");
    }

    private static Result ok() {
        return new Result(0, "", "");
    }

    List<String> commandLines() {
        return commands.stream().map(Command::toString).toList();
    }
}
