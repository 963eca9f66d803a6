package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 7296 §2.6 cookies: bound to Ni, IPi and SPIi, valid across one secret rotation, not two. */
class IkeCookiesTest {
    private static final Duration ROTATION = Duration.ofSeconds(30);
    private static final byte[] NI = new byte[32];
    private static final byte[] IP = {10, 0, 0, (byte) 161};
    private static final long SPI = 0x1122334455667788L;

    private final long[] now = {0};
    private final IkeCookies cookies = new IkeCookies(new SecureRandom(), () -> now[0], ROTATION);

    @Test
    void aCookieIsValidOnlyForTheNonceAddressAndSpiItWasMadeFor() {
        byte[] cookie = cookies.cookie(NI, IP, SPI);
        assertEquals(IkeCookies.COOKIE_LENGTH, cookie.length);
        assertTrue(cookies.valid(cookie, NI, IP, SPI));
        byte[] otherNonce = NI.clone();
        otherNonce[0] = 1;
        assertFalse(cookies.valid(cookie, otherNonce, IP, SPI), "another Ni");
        assertFalse(cookies.valid(cookie, NI, new byte[] {10, 0, 0, (byte) 162}, SPI), "another IPi");
        assertFalse(cookies.valid(cookie, NI, IP, SPI + 1), "another SPIi");
        byte[] flipped = cookie.clone();
        flipped[flipped.length - 1] ^= 1;
        assertFalse(cookies.valid(flipped, NI, IP, SPI), "a forged hash");
        assertFalse(cookies.valid(Arrays.copyOf(cookie, cookie.length - 1), NI, IP, SPI), "a truncated cookie");
        assertFalse(cookies.valid(new byte[0], NI, IP, SPI));
    }

    @Test
    void aCookieOutlivesOneSecretRotationButNotTwo() {
        byte[] cookie = cookies.cookie(NI, IP, SPI);
        now[0] += ROTATION.toNanos();
        byte[] next = cookies.cookie(NI, IP, SPI);
        assertEquals(ByteBuffer.wrap(cookie).getInt() + 1, ByteBuffer.wrap(next).getInt(), "§2.6: the version ID");
        assertFalse(Arrays.equals(cookie, next), "a new secret");
        assertTrue(cookies.valid(cookie, NI, IP, SPI), "made just before the rotation");
        now[0] += ROTATION.toNanos();
        assertFalse(cookies.valid(cookie, NI, IP, SPI), "two secrets ago");
        assertTrue(cookies.valid(next, NI, IP, SPI));
    }

    @Test
    void afterTwoIdlePeriodsNoOldSecretIsKept() {
        byte[] cookie = cookies.cookie(NI, IP, SPI);
        now[0] += 3 * ROTATION.toNanos();
        assertFalse(cookies.valid(cookie, NI, IP, SPI));
    }
}
