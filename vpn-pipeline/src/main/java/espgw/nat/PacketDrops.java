package espgw.nat;

/**
 * Counts dropped packets. Called on the event loop for every drop, after the buffer was released;
 * implementations increment a pre-resolved counter and must not allocate.
 */
@FunctionalInterface
public interface PacketDrops {
    void dropped(NatDropReason reason);
}
