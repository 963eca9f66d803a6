package espgw.linux.tun;

import espgw.linux.libc.NativeCallException;

/**
 * Run as a separate JVM with reduced capabilities by {@link TunDeviceErrorTest}: tries to create a
 * TUN interface and prints what an operator would see, the exception message alone.
 */
public final class TunOpenProbe {
    private TunOpenProbe() {
    }

    public static void main(String[] args) {
        try (TunDevice device = TunDevice.open(args[0], 1)) {
            System.out.println("OPENED " + device.name());
        } catch (NativeCallException e) {
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }
}
