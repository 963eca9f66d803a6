package espgw.crypto;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The few functions of OpenSSL 3's libcrypto that {@link OpenSslAead} calls, bound once through
 * the FFM API. Pointers are passed as {@code long}: a packet's address comes from the
 * {@code ByteBuf} as a {@code long}, and wrapping it in a {@code MemorySegment} per call would be
 * an allocation per packet. The per-packet calls are {@code critical}: they run for at most a few
 * microseconds, never block and never call back into Java, so they skip the thread-state
 * transition.
 */
final class LibCrypto {
    /** {@code EVP_CTRL_AEAD_GET_TAG} (openssl/evp.h). */
    static final int EVP_CTRL_AEAD_GET_TAG = 0x10;
    /** {@code EVP_CTRL_AEAD_SET_TAG} (openssl/evp.h). */
    static final int EVP_CTRL_AEAD_SET_TAG = 0x11;
    /** {@code OPENSSL_VERSION} for {@code OpenSSL_version} (openssl/crypto.h). */
    private static final int OPENSSL_VERSION = 0;
    /** The SONAME of OpenSSL 3's libcrypto (Debian 12: package libssl3). */
    private static final String LIBRARY = "libcrypto.so.3";

    private static final ValueLayout POINTER = ValueLayout.JAVA_LONG;
    private static final ValueLayout INT = ValueLayout.JAVA_INT;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup SYMBOLS = SymbolLookup.libraryLookup(LIBRARY, Arena.global());

    static final MethodHandle EVP_aes_128_gcm = bind("EVP_aes_128_gcm", FunctionDescriptor.of(POINTER));
    static final MethodHandle EVP_aes_192_gcm = bind("EVP_aes_192_gcm", FunctionDescriptor.of(POINTER));
    static final MethodHandle EVP_aes_256_gcm = bind("EVP_aes_256_gcm", FunctionDescriptor.of(POINTER));
    static final MethodHandle EVP_chacha20_poly1305 = bind("EVP_chacha20_poly1305", FunctionDescriptor.of(POINTER));
    static final MethodHandle EVP_CIPHER_CTX_new = bind("EVP_CIPHER_CTX_new", FunctionDescriptor.of(POINTER));
    static final MethodHandle EVP_CIPHER_CTX_free = bind("EVP_CIPHER_CTX_free",
            FunctionDescriptor.ofVoid(POINTER));
    /** {@code int EVP_CipherInit_ex(ctx, cipher, engine, key, iv, enc)}. */
    static final MethodHandle EVP_CipherInit_ex = bindCritical("EVP_CipherInit_ex",
            FunctionDescriptor.of(INT, POINTER, POINTER, POINTER, POINTER, POINTER, INT));
    /** {@code int EVP_CipherUpdate(ctx, out, outl, in, inl)}; {@code out} null for AAD. */
    static final MethodHandle EVP_CipherUpdate = bindCritical("EVP_CipherUpdate",
            FunctionDescriptor.of(INT, POINTER, POINTER, POINTER, POINTER, INT));
    /** {@code int EVP_CipherFinal_ex(ctx, out, outl)}; 0 when decryption finds the tag wrong. */
    static final MethodHandle EVP_CipherFinal_ex = bindCritical("EVP_CipherFinal_ex",
            FunctionDescriptor.of(INT, POINTER, POINTER, POINTER));
    /** {@code int EVP_CIPHER_CTX_ctrl(ctx, type, arg, ptr)}. */
    static final MethodHandle EVP_CIPHER_CTX_ctrl = bindCritical("EVP_CIPHER_CTX_ctrl",
            FunctionDescriptor.of(INT, POINTER, INT, INT, POINTER));
    /** Empties this thread's error queue, which a failed call may have added to. */
    static final MethodHandle ERR_clear_error = bindCritical("ERR_clear_error", FunctionDescriptor.ofVoid());
    private static final MethodHandle OpenSSL_version = bind("OpenSSL_version",
            FunctionDescriptor.of(ValueLayout.ADDRESS, INT));

    private LibCrypto() {
    }

    /** E.g. {@code OpenSSL 3.0.19 27 Jan 2026}; also proves the library is loaded and linked. */
    static String version() {
        try {
            MemorySegment text = (MemorySegment) OpenSSL_version.invokeExact(OPENSSL_VERSION);
            return text.reinterpret(256).getString(0);
        } catch (Throwable e) {
            throw new IllegalStateException("OpenSSL_version failed", e);
        }
    }

    private static MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment address = SYMBOLS.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError(LIBRARY + " lacks " + name));
        return LINKER.downcallHandle(address, descriptor, options);
    }

    private static MethodHandle bindCritical(String name, FunctionDescriptor descriptor) {
        return bind(name, descriptor, Linker.Option.critical(false));
    }
}
