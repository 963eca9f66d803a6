package espgw.cli;

import espgw.linux.host.HostNetwork;
import java.lang.ref.Reference;
import java.nio.file.Path;

/**
 * Child process of {@link DownCommandNetnsTest}, run inside the test's namespace: makes a set of
 * host changes through {@link HostNetwork}, prints {@link #APPLIED}, and waits to be SIGKILLed.
 * Arguments: state directory, instance name.
 */
public final class HostChangesChild {
    static final String APPLIED = "HOST CHANGES APPLIED";

    private HostChangesChild() {
    }

    public static void main(String[] args) throws Exception {
        HostNetwork network = HostNetwork.open(args[1], Path.of(args[0]));
        network.addLink("egd0", "bridge"); // this CI kernel has no dummy module
        network.setLinkUp("egd0");
        network.addAddress("10.77.0.1/24", "egd0");
        network.addAddress("10.77.1.1/32", "egd0");
        network.addRoute("10.78.0.0/16", "via", "10.77.0.2", "dev", "egd0");
        network.addRoute("default", "dev", "egd0", "table", "100");
        network.addRoute("10.79.0.0/16", "dev", "egd0", "table", "101");
        network.addRule("fwmark", "0x1", "lookup", "100", "priority", "1000");
        network.addRule("to", "10.79.0.0/16", "lookup", "101", "priority", "1001");
        network.setSysctl("net.ipv4.ip_forward", "1");
        network.loadNftTable("""
                set peers { type ipv4_addr; elements = { 10.78.0.2, 10.78.0.3 } }
                map mark_of { type ipv4_addr : mark; elements = { 10.78.0.2 : 0x1 } }
                chain out {
                    type route hook output priority mangle; policy accept;
                    ip daddr @peers meta mark set ip daddr map @mark_of counter
                }""");
        System.out.println(APPLIED);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // the journal, not close(), must clean up after the SIGKILL
        Reference.reachabilityFence(network); // a collected HostNetwork would release the instance lock
    }
}
