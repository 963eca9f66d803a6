package espgw.daemon;

import espgw.sa.SaEventListener;
import espgw.sa.SecurityAssociation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs SA lifetime events, one line each; manual SAs cannot be rekeyed, so the line says what to do. */
final class SaLifetimeLog implements SaEventListener {
    private static final Logger LOG = LoggerFactory.getLogger("espgw.sa");

    @Override
    public void softLimitReached(SecurityAssociation sa) {
        LOG.warn("SA {} reached its soft lifetime: replace its manual key soon", sa);
    }

    @Override
    public void hardLimitReached(SecurityAssociation sa) {
        LOG.error("SA {} expired (hard lifetime): its packets are dropped until it is replaced", sa);
    }
}
