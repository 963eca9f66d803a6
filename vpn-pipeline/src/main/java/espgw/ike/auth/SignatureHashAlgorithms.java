package espgw.ike.auth;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The SIGNATURE_HASH_ALGORITHMS notification (RFC 7427 §4): its Notification Data is a list of
 * 2-octet hash algorithm identifiers from IANA's "IKEv2 Hash Algorithms" registry. Each side sends
 * the ones it can verify with; a signer uses method 14 only with a hash the peer listed.
 */
public final class SignatureHashAlgorithms {
    /** IANA "IKEv2 Hash Algorithms" values espgw knows (RFC 7427 §7, RFC 8420 §2 for Identity). */
    public enum HashAlgorithm {
        SHA1(1), SHA2_256(2), SHA2_384(3), SHA2_512(4),
        /** RFC 8420: no hash, the signature algorithm takes the whole message (PureEdDSA). */
        IDENTITY(5);

        private final int value;

        HashAlgorithm(int value) {
            this.value = value;
        }

        public int value() {
            return value;
        }

        static HashAlgorithm of(int value) {
            for (HashAlgorithm h : values()) {
                if (h.value == value) {
                    return h;
                }
            }
            return null;
        }
    }

    private static final int HASH_ALGORITHM_LENGTH = 2;

    private SignatureHashAlgorithms() {
    }

    /** What we send: the hashes of every {@link SignatureAlgorithm} we verify. */
    public static Set<HashAlgorithm> supported() {
        EnumSet<HashAlgorithm> hashes = EnumSet.noneOf(HashAlgorithm.class);
        for (SignatureAlgorithm algorithm : SignatureAlgorithm.values()) {
            hashes.add(algorithm.hashAlgorithm());
        }
        return Collections.unmodifiableSet(hashes);
    }

    /** The Notification Data for {@code hashes}, in the enum's order. */
    public static byte[] encode(Set<HashAlgorithm> hashes) {
        byte[] data = new byte[hashes.size() * HASH_ALGORITHM_LENGTH];
        int at = 0;
        for (HashAlgorithm hash : EnumSet.copyOf(hashes)) {
            data[at++] = (byte) (hash.value >>> 8);
            data[at++] = (byte) hash.value;
        }
        return data;
    }

    /**
     * The hashes a peer listed. Values we do not know are skipped (the registry grows); so is a
     * trailing odd octet, which names no algorithm: a peer's notification never fails the exchange,
     * at worst it leaves us nothing to sign with.
     */
    public static Set<HashAlgorithm> decode(byte[] notificationData) {
        EnumSet<HashAlgorithm> hashes = EnumSet.noneOf(HashAlgorithm.class);
        for (int at = 0; at + HASH_ALGORITHM_LENGTH <= notificationData.length; at += HASH_ALGORITHM_LENGTH) {
            HashAlgorithm hash = HashAlgorithm.of(((notificationData[at] & 0xff) << 8) | (notificationData[at + 1] & 0xff));
            if (hash != null) {
                hashes.add(hash);
            }
        }
        return hashes;
    }

    /** Whether we may sign with {@code algorithm} for a peer that listed {@code peerHashes} (§4). */
    public static boolean peerAccepts(SignatureAlgorithm algorithm, Set<HashAlgorithm> peerHashes) {
        return peerHashes.contains(algorithm.hashAlgorithm());
    }
}
