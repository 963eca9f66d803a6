package espgw.ike.crypto;

import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.NotifyType;
import espgw.ike.message.Transform;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The key exchange groups espgw offers: Curve25519 (RFC 8031) and the 256-bit random ECP group
 * (RFC 5903). Each {@link KeyExchange} is one ephemeral private value, used once.
 */
public enum KeyExchangeGroup {
    /** RFC 5903 §3.1 (group 19); KE data is x || y, 32 octets each (§7). */
    ECP_256(Transform.GROUP_ECP_256, 64),
    /** RFC 8031 §2 (group 31); KE data is the 32-octet little-endian u-coordinate. */
    CURVE25519(Transform.GROUP_CURVE25519, 32);

    private final int groupNumber;
    private final int keyExchangeDataLength;

    KeyExchangeGroup(int groupNumber, int keyExchangeDataLength) {
        this.groupNumber = groupNumber;
        this.keyExchangeDataLength = keyExchangeDataLength;
    }

    /** The Diffie-Hellman Group Num of the KE payload and the D-H transform ID. */
    public int groupNumber() {
        return groupNumber;
    }

    public int keyExchangeDataLength() {
        return keyExchangeDataLength;
    }

    public Transform transform() {
        return Transform.of(Transform.TYPE_DH, groupNumber);
    }

    public static Optional<KeyExchangeGroup> fromGroupNumber(int groupNumber) {
        for (KeyExchangeGroup group : values()) {
            if (group.groupNumber == groupNumber) {
                return Optional.of(group);
            }
        }
        return Optional.empty();
    }

    public static Optional<KeyExchangeGroup> fromTransform(Transform transform) {
        return transform.hasUnknownAttributes() || transform.keyLength() != 0 ? Optional.empty()
                : fromGroupNumber(transform.transformId());
    }

    /** A fresh ephemeral key pair. */
    public KeyExchange newKeyExchange(SecureRandom random) {
        return this == CURVE25519 ? Curve25519KeyExchange.generate(random) : Ecp256KeyExchange.generate(random);
    }

    /** Checks the peer's KE data length before any arithmetic (RFC 8031 §2, RFC 5903 §7). */
    void checkLength(byte[] peerKeyExchangeData) throws IkeProtocolException {
        if (peerKeyExchangeData.length != keyExchangeDataLength) {
            throw new IkeProtocolException(NotifyType.INVALID_SYNTAX, name() + " KE data has "
                    + peerKeyExchangeData.length + " octets, not " + keyExchangeDataLength);
        }
    }
}
