package espgw.ike.session;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.crypto.Prf;
import java.util.OptionalLong;

/**
 * The IKE SA in force as an operator sees it ({@code espgw status}, like {@code swanctl --list-sas}):
 * SPIs, which end initiated it, the negotiated algorithms and its timers as clock readings. No key.
 *
 * @param weInitiated this end initiated the IKE SA, or the rekey that made it (RFC 7296 §2.18)
 * @param establishedNanos when these SPIs came into force
 * @param lastHeardNanos when an authentic message last came from the peer (§2.4)
 * @param ikeRekeyAtNanos when the IKE SA is due for its rekey (now while one is under way); empty: never
 * @param childRekeyAtNanos the same for the next CHILD SA rekey
 */
public record IkeSaStatus(long initiatorSpi, long responderSpi, boolean weInitiated, IkeEncryption encryption,
        Prf prf, KeyExchangeGroup group, long establishedNanos, long lastHeardNanos, OptionalLong ikeRekeyAtNanos,
        OptionalLong childRekeyAtNanos) {
}
