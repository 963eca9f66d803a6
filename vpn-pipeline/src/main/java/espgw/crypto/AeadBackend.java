package espgw.crypto;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the ESP ciphers come from. OpenSSL's libcrypto, where it can be used, because a context
 * keyed once is reused for every packet (JCE allocates ~1–2 KB per packet, see {@link JceAead});
 * otherwise the JDK's JCE. Both pass the same known-answer vectors and open each other's packets.
 *
 * <p>The OpenSSL binding uses the FFM API, final in Java 22, so its classes are compiled only by a
 * JDK 22 or later ({@code src/main/java22}, the {@code jdk22-openssl} profile) and loaded only on
 * one; the launcher builds with, and runs on, the newest JDK installed. The system property
 * {@value #PROPERTY} chooses: {@code auto} (the default), {@code openssl} or {@code jce}.
 */
public enum AeadBackend {
    /** The JDK's own providers: {@link JceAead}. Every JDK. */
    JCE,
    /** OpenSSL 3's libcrypto through the FFM API: {@code OpenSslAead}. */
    OPENSSL;

    /** The system property that picks a backend (e.g. {@code ESPGW_JAVA_OPTS=-Despgw.crypto=jce}). */
    public static final String PROPERTY = "espgw.crypto";

    /** A new cipher with one key, from this backend. */
    public Aead create(AeadAlgorithm algorithm, byte[] keymat) {
        return this == JCE ? new JceAead(algorithm, keymat) : OpenSsl.create(algorithm, keymat);
    }

    /** Why this backend cannot be used here, or empty when it can. */
    public Optional<String> unavailableReason() {
        return this == JCE ? Optional.empty() : Optional.ofNullable(OpenSsl.UNAVAILABLE);
    }

    /**
     * For {@code espgw up} and {@code espgw version}, e.g. {@code OpenSSL 3.0.19 27 Jan 2026
     * (libcrypto through Java's FFM API)}; JCE's says why OpenSSL is not used when it cannot be.
     */
    public String describe() {
        return this == JCE
                ? "JCE, Java " + Runtime.version() + OPENSSL.unavailableReason().map(r -> " (no OpenSSL: " + r + ")")
                        .orElse("")
                : OpenSsl.VERSION + " (libcrypto through Java's FFM API)";
    }

    /**
     * The backend the system property {@value #PROPERTY} asks for.
     *
     * @throws IllegalArgumentException as {@link #resolve} does
     */
    public static AeadBackend chosen() {
        return resolve(System.getProperty(PROPERTY));
    }

    /**
     * @param setting {@code auto}, {@code openssl} or {@code jce} (case-insensitive); null means auto
     * @throws IllegalArgumentException for another value, or {@code openssl} where it cannot be used
     */
    public static AeadBackend resolve(String setting) {
        String wanted = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        switch (wanted) {
            case "auto":
                return OPENSSL.unavailableReason().isPresent() ? JCE : OPENSSL;
            case "jce":
                return JCE;
            case "openssl":
                OPENSSL.unavailableReason().ifPresent(reason -> {
                    throw new IllegalArgumentException(PROPERTY + "=openssl, but OpenSSL cannot be used: " + reason);
                });
                return OPENSSL;
            default:
                throw new IllegalArgumentException(PROPERTY + "=" + setting + ": expected auto, openssl or jce");
        }
    }

    /** Finds and links the Java 22 classes reflectively: this class must load on Java 17. */
    private static final class OpenSsl {
        private static final String IMPLEMENTATION = "espgw.crypto.OpenSslAead";
        private static final int FFM_FEATURE = 22;
        static final MethodHandle CONSTRUCTOR;
        static final String VERSION;
        static final String UNAVAILABLE;

        static {
            MethodHandle constructor = null;
            String version = null;
            String unavailable = null;
            int feature = Runtime.version().feature();
            if (feature < FFM_FEATURE) {
                unavailable = "it needs Java " + FFM_FEATURE + " or later (the FFM API); this is Java " + feature;
            } else {
                try {
                    Class<?> implementation = Class.forName(IMPLEMENTATION);
                    MethodHandles.Lookup lookup = MethodHandles.lookup();
                    constructor = lookup.findConstructor(implementation,
                            MethodType.methodType(void.class, AeadAlgorithm.class, byte[].class));
                    version = (String) lookup.findStatic(implementation, "libraryVersion",
                            MethodType.methodType(String.class)).invokeExact();
                } catch (ClassNotFoundException e) {
                    unavailable = "this build of espgw lacks the binding (built by a JDK older than "
                            + FFM_FEATURE + "; rebuild with a newer one)";
                } catch (Throwable e) {
                    Throwable cause = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
                    unavailable = "libcrypto.so.3 (package libssl3) could not be loaded: " + cause;
                }
            }
            CONSTRUCTOR = unavailable == null ? constructor : null;
            VERSION = version;
            UNAVAILABLE = unavailable;
        }

        static Aead create(AeadAlgorithm algorithm, byte[] keymat) {
            if (UNAVAILABLE != null) {
                throw new IllegalStateException("OpenSSL cannot be used: " + UNAVAILABLE);
            }
            try {
                return (Aead) CONSTRUCTOR.invoke(algorithm, keymat);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
