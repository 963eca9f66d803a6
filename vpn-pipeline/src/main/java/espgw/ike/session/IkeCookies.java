package espgw.ike.session;

import espgw.sa.Clock;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;

/**
 * The responder's stateless cookies of RFC 7296 §2.6: {@code Cookie = <VersionIDofSecret> |
 * Hash(Ni | IPi | SPIi | <secret>)}, with SHA-256. The secret is replaced every rotation period;
 * a cookie made with the one before still counts, so an initiator that got one just before the
 * change is not refused. Only the versions and the secrets are state, never a per-initiator one.
 * The secrets appear nowhere outside this object. Confined to one thread.
 */
public final class IkeCookies {
    /** §2.6 leaves the length to the responder (at most 64 octets): a 4-octet version and SHA-256. */
    public static final int COOKIE_LENGTH = 4 + 32;
    private static final int SECRET_LENGTH = 32;

    private final SecureRandom random;
    private final Clock clock;
    private final long rotationNanos;
    private int version;
    private byte[] secret;
    private byte[] previousSecret;
    private long rotateAtNanos;

    public IkeCookies(SecureRandom random, Clock clock, Duration rotation) {
        this.random = random;
        this.clock = clock;
        this.rotationNanos = rotation.toNanos();
        this.secret = newSecret();
        this.rotateAtNanos = clock.nanoTime() + rotationNanos;
    }

    /** The cookie to send an initiator (§2.6: in a COOKIE notify of an IKE_SA_INIT response). */
    public byte[] cookie(byte[] ni, byte[] initiatorAddress, long spiI) {
        rotateIfDue();
        return cookie(version, secret, ni, initiatorAddress, spiI);
    }

    /** True when {@code cookie} is one this responder made, with the current or the previous secret. */
    public boolean valid(byte[] cookie, byte[] ni, byte[] initiatorAddress, long spiI) {
        rotateIfDue();
        if (cookie.length != COOKIE_LENGTH) {
            return false;
        }
        int cookieVersion = ByteBuffer.wrap(cookie).getInt();
        byte[] expected = cookieVersion == version ? cookie(version, secret, ni, initiatorAddress, spiI)
                : cookieVersion == version - 1 && previousSecret != null
                ? cookie(cookieVersion, previousSecret, ni, initiatorAddress, spiI) : null;
        return expected != null && MessageDigest.isEqual(expected, cookie);
    }

    private void rotateIfDue() {
        long now = clock.nanoTime();
        if (now - rotateAtNanos < 0) {
            return;
        }
        if (previousSecret != null) {
            Arrays.fill(previousSecret, (byte) 0);
        }
        // Two periods without a cookie leave no secret a cookie could still be made with.
        previousSecret = now - rotateAtNanos < rotationNanos ? secret : null;
        secret = newSecret();
        version++;
        rotateAtNanos = now + rotationNanos;
    }

    private byte[] newSecret() {
        byte[] bytes = new byte[SECRET_LENGTH];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] cookie(int version, byte[] secret, byte[] ni, byte[] initiatorAddress, long spiI) {
        MessageDigest sha256 = sha256();
        sha256.update(ni);
        sha256.update(initiatorAddress);
        sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(spiI).array());
        sha256.update(secret);
        return ByteBuffer.allocate(COOKIE_LENGTH).putInt(version).put(sha256.digest()).array();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "IkeCookies[version " + version + "]";
    }
}
