package espgw.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which backend the daemon gets, and what the OpenSSL one must do like JCE. That both give the
 * known answers and open each other's packets is {@code EspKnownAnswerTest}'s job
 * ({@link Implementations}).
 */
class AeadBackendTest {
    private static final byte[] AAD = {1, 2, 3, 4, 5, 6, 7, 8};
    private static final int FFM_FEATURE = 22;

    @Test
    void openSslIsUsedFromJava22OnAndJceBefore() {
        if (Runtime.version().feature() >= FFM_FEATURE) {
            // CI installs libssl3; a JDK 22+ build that cannot use it is a failure, not a skip.
            assertEquals(java.util.Optional.empty(), AeadBackend.OPENSSL.unavailableReason());
            assertEquals(AeadBackend.OPENSSL, AeadBackend.resolve(null));
            assertEquals(AeadBackend.OPENSSL, AeadBackend.resolve("auto"));
            assertTrue(AeadBackend.OPENSSL.describe().startsWith("OpenSSL 3."), AeadBackend.OPENSSL.describe());
        } else {
            String reason = AeadBackend.OPENSSL.unavailableReason().orElseThrow();
            assertTrue(reason.contains("Java 22 or later"), reason);
            assertEquals(AeadBackend.JCE, AeadBackend.resolve(null));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AeadBackend.resolve("openssl"));
            assertTrue(e.getMessage().contains(reason), e.getMessage());
        }
        assertEquals(AeadBackend.resolve(System.getProperty(AeadBackend.PROPERTY)), AeadBackend.chosen());
    }

    @Test
    void theSettingIsCaseInsensitiveAndAnythingElseIsRefusedByName() {
        assertEquals(AeadBackend.JCE, AeadBackend.resolve(" JCE "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AeadBackend.resolve("nss"));
        assertEquals("espgw.crypto=nss: expected auto, openssl or jce", e.getMessage());
    }

    static Stream<Arguments> usableBackendsAndAlgorithms() {
        return Arrays.stream(AeadBackend.values())
                .filter(backend -> backend.unavailableReason().isEmpty())
                .flatMap(backend -> Arrays.stream(AeadAlgorithm.values()).map(a -> Arguments.of(backend, a)));
    }

    @ParameterizedTest
    @MethodSource("usableBackendsAndAlgorithms")
    void sealingTwiceWithOneIvIsRefused(AeadBackend backend, AeadAlgorithm algorithm) {
        Aead aead = backend.create(algorithm, new byte[algorithm.keymatLength()]);
        sealed(aead, 1);
        sealed(aead, 2);
        // Our IVs never repeat; if a bug made them, this turns it into an exception.
        assertThrows(IllegalStateException.class, () -> sealed(aead, 2));
    }

    @ParameterizedTest
    @MethodSource("usableBackendsAndAlgorithms")
    void aForgeryFailsWithoutExceptionAndLeavesNothingBehindForTheNextPacket(AeadBackend backend,
            AeadAlgorithm algorithm) {
        Aead aead = backend.create(algorithm, new byte[algorithm.keymatLength()]);
        Aead sealer = backend.create(algorithm, new byte[algorithm.keymatLength()]);
        byte[] good = sealed(sealer, 7);
        byte[] forged = good.clone();
        forged[forged.length - 1] ^= 1;
        for (byte[] packet : List.of(forged, forged, good, forged, good)) {
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(packet);
            assertEquals(packet == good, aead.open(7, AAD, AAD.length, buf, 0, packet.length));
            buf.release();
        }
    }

    @ParameterizedTest
    @MethodSource("usableBackendsAndAlgorithms")
    void aRangeBeyondTheBufferIsRefusedBeforeAnyCryptography(AeadBackend backend, AeadAlgorithm algorithm) {
        Aead aead = backend.create(algorithm, new byte[algorithm.keymatLength()]);
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64, 64).writeZero(64);
        try {
            // No room for the ICV behind 60 octets: native code must never write past the buffer.
            assertThrows(IndexOutOfBoundsException.class, () -> aead.seal(1, AAD, AAD.length, buf, 0, 60));
            assertThrows(IndexOutOfBoundsException.class, () -> aead.open(1, AAD, AAD.length, buf, 8, 60));
        } finally {
            buf.release();
        }
    }

    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    @EnabledForJreRange(minVersion = FFM_FEATURE,
            disabledReason = "OpenSSL's binding needs Java 22+; .ci/run runs this on Temurin 25")
    void openSslKeyMaterialOfTheWrongLengthIsRefusedWithoutEchoingIt(AeadAlgorithm algorithm) {
        byte[] keymat = new byte[algorithm.keymatLength() + 1];
        Arrays.fill(keymat, (byte) 0xAB);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AeadBackend.OPENSSL.create(algorithm, keymat));
        assertFalse(e.getMessage().toLowerCase().contains("abab"), e.getMessage());
        assertEquals("OpenSslAead[" + algorithm.configName() + "]",
                AeadBackend.OPENSSL.create(algorithm, new byte[algorithm.keymatLength()]).toString());
    }

    /**
     * The reason for the OpenSSL backend: a packet sealed and opened in a pooled direct buffer, as
     * on the data path, allocates nothing once the JIT has compiled it (JCE: ~1–2 KB per call).
     */
    @ParameterizedTest
    @EnumSource(AeadAlgorithm.class)
    @EnabledForJreRange(minVersion = FFM_FEATURE,
            disabledReason = "OpenSSL's binding needs Java 22+; .ci/run runs this on Temurin 25")
    void openSslSealAndOpenAllocateNothingPerPacket(AeadAlgorithm algorithm) {
        int rounds = 2_000;
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        // At PARANOID every access to a buffer records where it happened: allocation of its own.
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(1500, 1500).writeZero(1500);
        try {
            Aead sealer = AeadBackend.OPENSSL.create(algorithm, new byte[algorithm.keymatLength()]);
            Aead opener = AeadBackend.OPENSSL.create(algorithm, new byte[algorithm.keymatLength()]);
            // Long enough for C2: interpreted and C1 code box what C2's escape analysis removes.
            sealAndOpen(sealer, opener, buf, 0, 20_000);
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long thread = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(thread);
            sealAndOpen(sealer, opener, buf, 20_000, rounds);
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            // One object per packet is 16 B or more; under 4 B per round leaves room for the JVM's own.
            assertTrue(allocated >= 0 && allocated < 4L * rounds, allocated + " bytes for " + rounds + " packets");
        } finally {
            buf.release();
            ResourceLeakDetector.setLevel(level);
        }
    }

    private static void sealAndOpen(Aead sealer, Aead opener, ByteBuf buf, long firstIv, int rounds) {
        int length = 1400;
        for (long iv = firstIv; iv < firstIv + rounds; iv++) {
            sealer.seal(iv, AAD, AAD.length, buf, 8, length);
            if (!opener.open(iv, AAD, AAD.length, buf, 8, length + AeadAlgorithm.ICV_LENGTH)) {
                throw new AssertionError("packet " + iv + " did not open");
            }
        }
    }

    private static byte[] sealed(Aead aead, long iv) {
        ByteBuf buf = Unpooled.buffer(64).writeBytes(HexFormat.of().parseHex("00112233445566778899"));
        aead.seal(iv, AAD, AAD.length, buf, 0, 10);
        buf.writerIndex(10 + AeadAlgorithm.ICV_LENGTH);
        byte[] bytes = ByteBufUtil.getBytes(buf);
        buf.release();
        return bytes;
    }
}
