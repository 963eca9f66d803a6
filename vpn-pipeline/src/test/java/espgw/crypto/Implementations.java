package espgw.crypto;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Every {@link Aead} implementation this JVM can run, so each test can run through all of them:
 * OpenSSL's only where {@link AeadBackend} can use it ({@code AeadBackendTest} asserts where that
 * must be).
 */
public final class Implementations {
    public record Impl(String name, BiFunction<AeadAlgorithm, byte[], Aead> factory) {
        public Aead create(AeadAlgorithm algorithm, byte[] keymat) {
            return factory.apply(algorithm, keymat);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static final List<Impl> ALL = all();

    private static List<Impl> all() {
        List<Impl> all = new ArrayList<>(List.of(
                new Impl("jce", JceAead::new),
                new Impl("bouncycastle", BouncyCastleAead::new)));
        if (AeadBackend.OPENSSL.unavailableReason().isEmpty()) {
            all.add(new Impl("openssl", AeadBackend.OPENSSL::create));
        }
        return List.copyOf(all);
    }

    private Implementations() {
    }
}
