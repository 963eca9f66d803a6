package espgw.crypto;

import java.util.List;
import java.util.function.BiFunction;

/** Every {@link Aead} implementation, so each test can run through all of them. */
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

    public static final List<Impl> ALL = List.of(
            new Impl("jce", JceAead::new),
            new Impl("bouncycastle", BouncyCastleAead::new));

    private Implementations() {
    }
}
