package espgw.cli;

import espgw.crypto.AeadBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code espgw version}: the espgw version, the Java runtime it runs on, and its ciphers' library. */
@Command(name = "version", description = "Print the espgw version, the Java runtime and the cipher library in use.")
public final class VersionCommand implements Runnable {
    @Override
    public void run() {
        for (String line : new Provider().getVersion()) {
            System.out.println(line);
        }
    }

    /** Reads the version that the build wrote into {@code espgw/version.properties}. */
    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "espgw " + espgwVersion(),
                "java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", "
                        + System.getProperty("java.home") + ")",
                "ciphers " + ciphers()};
        }

        private static String ciphers() {
            try {
                return AeadBackend.chosen().describe();
            } catch (IllegalArgumentException e) {
                return "none: " + e.getMessage();
            }
        }

        static String espgwVersion() {
            try (InputStream in = VersionCommand.class.getResourceAsStream("/espgw/version.properties")) {
                if (in == null) {
                    return "unknown (built without resources)";
                }
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
