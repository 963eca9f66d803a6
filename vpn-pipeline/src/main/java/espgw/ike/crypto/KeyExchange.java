package espgw.ike.crypto;

import espgw.ike.message.IkeProtocolException;

/** One side of a key exchange: an ephemeral private value and its public KE data. */
public interface KeyExchange {
    KeyExchangeGroup group();

    /** The Key Exchange Data to send in the KE payload (RFC 7296 §3.4). */
    byte[] publicValue();

    /**
     * The shared secret g^ir from the peer's KE data.
     *
     * @throws IkeProtocolException INVALID_SYNTAX when the peer's value has the wrong length, is
     *     not a point of the group, or gives a degenerate (all-zero) secret
     */
    byte[] sharedSecret(byte[] peerKeyExchangeData) throws IkeProtocolException;
}
