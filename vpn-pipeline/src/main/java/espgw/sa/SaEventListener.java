package espgw.sa;

/**
 * Told when an SA crosses a lifetime limit. Called on the SA's event loop, once per SA and kind;
 * implementations post work elsewhere (e.g. an IKE rekey) and return quickly.
 */
public interface SaEventListener {
    /** Soft limit reached: time to rekey; the SA keeps working. */
    void softLimitReached(SecurityAssociation sa);

    /** Hard limit reached or sequence numbers exhausted: the SA drops everything from now on. */
    void hardLimitReached(SecurityAssociation sa);

    SaEventListener NONE = new SaEventListener() {
        @Override
        public void softLimitReached(SecurityAssociation sa) {
        }

        @Override
        public void hardLimitReached(SecurityAssociation sa) {
        }
    };
}
