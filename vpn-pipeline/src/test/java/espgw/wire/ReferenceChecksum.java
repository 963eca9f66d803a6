package espgw.wire;

/**
 * A deliberately naive RFC 1071 checksum over byte arrays, independent of
 * {@link InternetChecksum}, used as the oracle in tests.
 */
public final class ReferenceChecksum {
    private ReferenceChecksum() {
    }

    /** One's complement sum of 16-bit big-endian words, folded after every addition. */
    public static int sum(byte[] data, int offset, int length, int initial) {
        int sum = initial;
        for (int i = 0; i < length; i += 2) {
            int hi = data[offset + i] & 0xFF;
            int lo = i + 1 < length ? data[offset + i + 1] & 0xFF : 0;
            sum += hi << 8 | lo;
            if (sum > 0xFFFF) {
                sum = (sum & 0xFFFF) + 1;
            }
        }
        return sum;
    }

    public static int checksum(byte[] data, int offset, int length) {
        return ~sum(data, offset, length, 0) & 0xFFFF;
    }

    /** Sum of the RFC 793 §3.1 / RFC 768 pseudo-header. */
    public static int pseudoHeaderSum(int source, int destination, int protocol, int length) {
        byte[] pseudo = {
            (byte) (source >>> 24), (byte) (source >>> 16), (byte) (source >>> 8), (byte) source,
            (byte) (destination >>> 24), (byte) (destination >>> 16), (byte) (destination >>> 8),
            (byte) destination, 0, (byte) protocol, (byte) (length >>> 8), (byte) length};
        return sum(pseudo, 0, pseudo.length, 0);
    }
}
