package espgw.ike.testing;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * Hostile variants of a valid IKE message (RFC 7296 §3), from a seeded {@link Random} so a failure
 * can be replayed: flipped octets, truncations, extensions, Length and Payload Length fields that
 * lie, an unknown payload with the Critical bit in front, another major version.
 */
public final class IkeMutations {
    /** §3.1: the header is 28 octets; Next Payload at 16, Version at 17, Length at 24. */
    public static final int HEADER_LENGTH = 28;
    private static final int NEXT_PAYLOAD_OFFSET = 16;
    private static final int VERSION_OFFSET = 17;
    private static final int LENGTH_OFFSET = 24;
    /** §3.2: the Critical bit of the generic payload header. */
    private static final int CRITICAL = 0x80;
    /** A payload type no RFC assigns (§3.2: 49-127 are unassigned or later, 128-255 private use). */
    public static final int UNKNOWN_PAYLOAD_TYPE = 200;

    private final Random random;

    public IkeMutations(long seed) {
        this.random = new Random(seed);
    }

    /** One mutation of {@code message}, chosen at random among those this class knows. */
    public byte[] mutate(byte[] message) {
        return switch (random.nextInt(7)) {
            case 0 -> flipOctets(message);
            case 1 -> truncate(message);
            case 2 -> extend(message);
            case 3 -> lyingPayloadLength(message);
            case 4 -> withUnknownCriticalPayload(message);
            case 5 -> withMajorVersion(message, 3 + random.nextInt(13));
            default -> flipOctets(truncate(message));
        };
    }

    /** One to four octets anywhere changed to other random values (the header included). */
    public byte[] flipOctets(byte[] message) {
        byte[] copy = message.clone();
        for (int flips = 1 + random.nextInt(4); flips > 0 && copy.length > 0; flips--) {
            int at = random.nextInt(copy.length);
            copy[at] = (byte) (copy[at] ^ (1 + random.nextInt(255)));
        }
        return copy;
    }

    /** Cut short anywhere; half the time the header's Length is made to agree, so the payloads meet the cut. */
    public byte[] truncate(byte[] message) {
        byte[] copy = Arrays.copyOf(message, random.nextInt(message.length));
        if (copy.length >= HEADER_LENGTH && random.nextBoolean()) {
            ByteBuffer.wrap(copy).putInt(LENGTH_OFFSET, copy.length);
        }
        return copy;
    }

    /** Random octets appended (up to 64 KiB in all); half the time the Length says so too. */
    public byte[] extend(byte[] message) {
        int extra = random.nextInt(4) == 0 ? 1 + random.nextInt(Math.max(1, 65_535 - message.length))
                : 1 + random.nextInt(64);
        byte[] copy = Arrays.copyOf(message, message.length + extra);
        for (int i = message.length; i < copy.length; i++) {
            copy[i] = (byte) random.nextInt();
        }
        if (random.nextBoolean()) {
            ByteBuffer.wrap(copy).putInt(LENGTH_OFFSET, copy.length);
        }
        return copy;
    }

    /** The Payload Length of one payload in the chain (§3.2) set to a random value. */
    public byte[] lyingPayloadLength(byte[] message) {
        byte[] copy = message.clone();
        int payloads = 0;
        for (int at = HEADER_LENGTH; at + 4 <= copy.length; at += Math.max(4, u16(copy, at + 2))) {
            payloads++;
        }
        if (payloads == 0) {
            return flipOctets(message);
        }
        int target = random.nextInt(payloads);
        int at = HEADER_LENGTH;
        for (int i = 0; i < target; i++) {
            at += Math.max(4, u16(copy, at + 2));
        }
        int lie = switch (random.nextInt(3)) {
            case 0 -> random.nextInt(4);
            case 1 -> 0xFFFF;
            default -> random.nextInt(0x10000);
        };
        copy[at + 2] = (byte) (lie >>> 8);
        copy[at + 3] = (byte) lie;
        return copy;
    }

    /** A payload of an unknown type with the Critical bit set, put first in the chain (§2.5). */
    public byte[] withUnknownCriticalPayload(byte[] message) {
        if (message.length < HEADER_LENGTH) {
            return message.clone();
        }
        int bodyLength = random.nextInt(16);
        byte[] copy = new byte[message.length + 4 + bodyLength];
        System.arraycopy(message, 0, copy, 0, HEADER_LENGTH);
        copy[HEADER_LENGTH] = message[NEXT_PAYLOAD_OFFSET];
        copy[HEADER_LENGTH + 1] = (byte) CRITICAL;
        copy[HEADER_LENGTH + 2] = (byte) ((4 + bodyLength) >>> 8);
        copy[HEADER_LENGTH + 3] = (byte) (4 + bodyLength);
        System.arraycopy(message, HEADER_LENGTH, copy, HEADER_LENGTH + 4 + bodyLength, message.length - HEADER_LENGTH);
        copy[NEXT_PAYLOAD_OFFSET] = (byte) UNKNOWN_PAYLOAD_TYPE;
        ByteBuffer.wrap(copy).putInt(LENGTH_OFFSET, copy.length);
        return copy;
    }

    /** The Version octet with another major version, minor 0 (§2.5). */
    public static byte[] withMajorVersion(byte[] message, int major) {
        byte[] copy = message.clone();
        if (copy.length > VERSION_OFFSET) {
            copy[VERSION_OFFSET] = (byte) (major << 4);
        }
        return copy;
    }

    private static int u16(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 8 | bytes[at + 1] & 0xFF;
    }
}
