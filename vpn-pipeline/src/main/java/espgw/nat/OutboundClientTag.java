package espgw.nat;

/**
 * Tells the ESP encryption which client (and so which SA) the packet about to be passed on
 * belongs to. Called synchronously, on the event loop, just before the packet is fired onward, so
 * the next handler reads the tag in the same call; no per-packet object is needed to carry it.
 */
@FunctionalInterface
public interface OutboundClientTag {
    /**
     * @param clientKey the client key the pool's mapping was made with, or {@code null} when the
     *     destination is outside the client pool and the SA has to be chosen some other way
     */
    void tag(Object clientKey);
}
