package espgw.crypto;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@link Aead} on OpenSSL 3's libcrypto ({@link LibCrypto}): one {@code EVP_CIPHER_CTX} per
 * direction, keyed once, and per packet only a new nonce, so nothing is allocated per packet,
 * neither in Java nor in OpenSSL (JCE builds a new GCM engine for every nonce: {@link JceAead}).
 * A packet in a buffer with a native address is processed where it lies; any other buffer is
 * copied through a native scratch area owned by this instance.
 *
 * <p>The contexts hold the expanded key; they are freed (and wiped by OpenSSL) when this object
 * becomes unreachable, like the key objects inside a {@link JceAead}. The Java key copy used to
 * key them is wiped at once.
 */
public final class OpenSslAead implements Aead {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final ValueLayout.OfLong IV_LAYOUT =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int ENCRYPT = 1;
    private static final int DECRYPT = 0;
    private static final int ICV = AeadAlgorithm.ICV_LENGTH;
    private static final int INITIAL_AAD = 64;
    private static final int INITIAL_SCRATCH = 2048;

    private final AeadAlgorithm algorithm;
    private final long sealContext;
    private final long openContext;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment nonce = arena.allocate(AeadAlgorithm.NONCE_LENGTH);
    /** The {@code int *outl} every update and final call writes; its value is not needed. */
    private final MemorySegment outLength = arena.allocate(ValueLayout.JAVA_INT);
    private MemorySegment aad = arena.allocate(INITIAL_AAD);
    private MemorySegment scratch;
    private ByteBuffer scratchView;
    private boolean sealed;
    private long lastSealIv;

    /**
     * @param keymat key followed by the 4-octet salt; copied, the caller may wipe its array
     */
    public OpenSslAead(AeadAlgorithm algorithm, byte[] keymat) {
        algorithm.requireKeymatLength(keymat);
        this.algorithm = algorithm;
        MemorySegment.copy(keymat, algorithm.keyLength(), nonce, ValueLayout.JAVA_BYTE, 0, AeadAlgorithm.SALT_LENGTH);
        this.sealContext = newContext();
        this.openContext = newContext();
        CLEANER.register(this, new FreeContexts(sealContext, openContext));
        try (Arena keyArena = Arena.ofConfined()) {
            MemorySegment key = keyArena.allocate(algorithm.keyLength());
            MemorySegment.copy(keymat, 0, key, ValueLayout.JAVA_BYTE, 0, algorithm.keyLength());
            long cipher = cipher(algorithm);
            boolean keyed = init(sealContext, cipher, key.address(), 0, ENCRYPT)
                    && init(openContext, cipher, key.address(), 0, DECRYPT);
            key.fill((byte) 0);
            if (!keyed) {
                throw failed("EVP_CipherInit_ex with the key");
            }
        }
    }

    /** The library's own version line, e.g. {@code OpenSSL 3.0.19 27 Jan 2026}. */
    public static String libraryVersion() {
        return LibCrypto.version();
    }

    @Override
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public void seal(long iv, byte[] aad, int aadLength, ByteBuf buf, int index, int length) {
        if (sealed && iv == lastSealIv) {
            // JCE refuses this too; our IVs never repeat, so only a bug gets here.
            throw new IllegalStateException(algorithm.configName() + " seal refused: the IV repeats the last one");
        }
        checkRange(buf, index, length + ICV);
        sealed = true;
        lastSealIv = iv;
        boolean inPlace = buf.hasMemoryAddress();
        long data = inPlace ? buf.memoryAddress() + index : copyIn(buf, index, length, length + ICV);
        try {
            if (!(start(sealContext, ENCRYPT, iv, aad, aadLength)
                    && update(sealContext, data, data, length)
                    && finish(sealContext, data + length)
                    && ctrl(sealContext, LibCrypto.EVP_CTRL_AEAD_GET_TAG, data + length))) {
                throw failed("seal");
            }
        } finally {
            // The Cleaner frees the contexts once this object is unreachable: not during a call.
            Reference.reachabilityFence(this);
        }
        if (!inPlace) {
            copyBack(buf, index, length + ICV);
        }
    }

    @Override
    public boolean open(long iv, byte[] aad, int aadLength, ByteBuf buf, int index, int length) {
        if (length < ICV) {
            return false;
        }
        checkRange(buf, index, length);
        int textLength = length - ICV;
        boolean inPlace = buf.hasMemoryAddress();
        long data = inPlace ? buf.memoryAddress() + index : copyIn(buf, index, length, length);
        try {
            if (!(start(openContext, DECRYPT, iv, aad, aadLength)
                    && ctrl(openContext, LibCrypto.EVP_CTRL_AEAD_SET_TAG, data + textLength)
                    && update(openContext, data, data, textLength))) {
                throw failed("open");
            }
            if (!finish(openContext, data + textLength)) {
                clearErrors();
                return false;
            }
        } finally {
            Reference.reachabilityFence(this);
        }
        if (!inPlace) {
            copyBack(buf, index, textLength);
        }
        return true;
    }

    /** Sets the nonce (salt || IV) and feeds the AAD. */
    private boolean start(long context, int direction, long iv, byte[] aadBytes, int aadLength) {
        nonce.set(IV_LAYOUT, AeadAlgorithm.SALT_LENGTH, iv);
        if (!init(context, 0, 0, nonce.address(), direction)) {
            return false;
        }
        if (aadLength == 0) {
            return true;
        }
        if (aad.byteSize() < aadLength) {
            aad = arena.allocate(Integer.highestOneBit(aadLength - 1) << 1);
        }
        MemorySegment.copy(aadBytes, 0, aad, ValueLayout.JAVA_BYTE, 0, aadLength);
        return update(context, 0, aad.address(), aadLength);
    }

    private static void checkRange(ByteBuf buf, int index, int length) {
        // Native code does not check bounds: a wrong length must stop here, not corrupt memory.
        if (index < 0 || length < 0 || index > buf.capacity() - length) {
            throw new IndexOutOfBoundsException("index " + index + " length " + length + " beyond capacity "
                    + buf.capacity());
        }
    }

    private long copyIn(ByteBuf buf, int index, int length, int room) {
        if (scratch == null || scratch.byteSize() < room) {
            scratch = arena.allocate(Math.max(INITIAL_SCRATCH, Integer.highestOneBit(room - 1) << 1));
            scratchView = scratch.asByteBuffer();
        }
        buf.getBytes(index, scratchView.clear().limit(length));
        return scratch.address();
    }

    private void copyBack(ByteBuf buf, int index, int length) {
        buf.setBytes(index, scratchView.clear().limit(length));
    }

    private IllegalStateException failed(String what) {
        clearErrors();
        // Only a bug gets here (sizes are fixed, contexts keyed). OpenSSL's error queue is not
        // read into the message: it is emptied, so the next packet starts clean.
        return new IllegalStateException(algorithm.configName() + " " + what + " failed in OpenSSL");
    }

    @Override
    public String toString() {
        return "OpenSslAead[" + algorithm.configName() + "]";
    }

    private static long cipher(AeadAlgorithm algorithm) {
        MethodHandle constructor = switch (algorithm) {
            case AES_GCM_128 -> LibCrypto.EVP_aes_128_gcm;
            case AES_GCM_192 -> LibCrypto.EVP_aes_192_gcm;
            case AES_GCM_256 -> LibCrypto.EVP_aes_256_gcm;
            case CHACHA20_POLY1305 -> LibCrypto.EVP_chacha20_poly1305;
        };
        try {
            return (long) constructor.invokeExact();
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    private static long newContext() {
        long context;
        try {
            context = (long) LibCrypto.EVP_CIPHER_CTX_new.invokeExact();
        } catch (Throwable e) {
            throw rethrown(e);
        }
        if (context == 0) {
            throw new OutOfMemoryError("EVP_CIPHER_CTX_new returned NULL");
        }
        return context;
    }

    private static boolean init(long context, long cipher, long key, long iv, int direction) {
        try {
            return (int) LibCrypto.EVP_CipherInit_ex.invokeExact(context, cipher, 0L, key, iv, direction) == 1;
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    private boolean update(long context, long out, long in, int length) {
        if (length == 0) {
            return true;
        }
        try {
            return (int) LibCrypto.EVP_CipherUpdate.invokeExact(context, out, outLength.address(), in, length) == 1;
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    private boolean finish(long context, long out) {
        try {
            return (int) LibCrypto.EVP_CipherFinal_ex.invokeExact(context, out, outLength.address()) == 1;
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    private static boolean ctrl(long context, int type, long tag) {
        try {
            return (int) LibCrypto.EVP_CIPHER_CTX_ctrl.invokeExact(context, type, ICV, tag) == 1;
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    private static void clearErrors() {
        try {
            LibCrypto.ERR_clear_error.invokeExact();
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    /** {@code invokeExact} declares Throwable; what it can throw here is unchecked. */
    private static RuntimeException rethrown(Throwable e) {
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException(e);
    }

    /** Static, so that it holds no reference to the {@link OpenSslAead} it cleans up after. */
    private record FreeContexts(long sealContext, long openContext) implements Runnable {
        @Override
        public void run() {
            try {
                LibCrypto.EVP_CIPHER_CTX_free.invokeExact(sealContext);
                LibCrypto.EVP_CIPHER_CTX_free.invokeExact(openContext);
            } catch (Throwable e) {
                throw rethrown(e);
            }
        }
    }
}
