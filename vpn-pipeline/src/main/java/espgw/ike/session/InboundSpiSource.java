package espgw.ike.session;

import java.security.SecureRandom;

/**
 * Where an IKE end gets each SPI it will receive ESP under (its own CHILD SAs, new and rekeyed).
 * RFC 4301 §4.1: the receiver picks the SPI so that it names one SA, and an ESP packet is matched
 * to its SA by that SPI alone; a gateway with several peers must therefore keep its peers' SPIs
 * apart, which a source shared by all its IKE sessions does.
 */
@FunctionalInterface
public interface InboundSpiSource {
    /** A fresh SPI, never 0 to 255 (RFC 4303 §2.1). */
    int next(SecureRandom random);

    /** Any SPI at random: for an end with one peer and no SAs of its own beside those IKE makes. */
    InboundSpiSource RANDOM = Exchanges::espSpi;
}
