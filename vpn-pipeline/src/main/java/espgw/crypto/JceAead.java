package espgw.crypto;

import io.netty.buffer.ByteBuf;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@link Aead} on the JDK's own providers (SunJCE): two {@link Cipher} objects per instance (one
 * per direction), initialised per packet because the nonce changes per packet.
 *
 * <p>Why arrays: SunJCE's AES-GCM and ChaCha20-Poly1305 run fastest on {@code byte[]} and copy a
 * direct {@code ByteBuffer} through freshly allocated temporary arrays anyway (and a
 * {@code ByteBuffer} pair per call would be our allocation). So heap buffers are processed in
 * their backing array and direct buffers are copied into one scratch array owned by this instance
 * and back — two memcpy of a packet, no allocation once the scratch has grown to the largest
 * packet. The copy out reads through the buffer's cached internal NIO view: on Java 25+, where
 * Netty 4.2 runs without {@code sun.misc.Unsafe} by default, {@code getBytes} of a pooled direct
 * buffer allocates a 64-B NIO duplicate per call ({@code vpn-bench/results/alloc-sites-jce-temurin25-*});
 * {@code setBytes} does not.
 *
 * <p>What still allocates is JCE, per packet and whatever the packet's size: about 1 KB for
 * AES-GCM, 1.2 KB (seal on JDK 17) to 2.4 KB for ChaCha20-Poly1305 ({@code AeadAllocBenchmark},
 * site by site in {@code vpn-bench/results/alloc-sites-jce-*}). None of it is a copy of the data:
 * in place or not, arrays are processed where they lie. It is:
 * <ul>
 *   <li>the parameter object the API demands for each nonce, which copies the nonce, plus the
 *       provider's own copies of nonce and key ({@code getIV}, {@code getEncoded} clone): ~120 B;
 *   <li>AES-GCM: a new engine per init — GHASH and its two {@code long[]} subkey tables, two GCTR
 *       counters, a stream buffering the AAD, the J0, length and tag blocks: ~900 B;
 *   <li>ChaCha20-Poly1305: a new Poly1305 per init, its one-time key and key object, and field
 *       arithmetic that allocates a limb array per intermediate (~1 KB), plus 1 KB more: on JDK 17 the buffer in which decryption holds
 *       the ciphertext until the tag is verified, on JDK 25 a keystream block array (both
 *       directions).
 * </ul>
 * No JCE call pattern avoids it; all were measured on JDK 17 and Temurin 25: separate input and
 * output arrays allocate the same, the {@code ByteBuffer} API more, and one parameter object per
 * instance (a subclass whose {@code getIV} copies our nonce) saves at most 70 B. BouncyCastle's
 * lightweight API with every parameter object reused still allocates 110–320 B (ChaCha20-Poly1305)
 * and 450–620 B (AES-GCM) per packet and costs more CPU per 1400-octet packet: AES-GCM about 20
 * times (no AES-NI), ChaCha20-Poly1305 3–4 times on Temurin 25 (whose JCE has vector intrinsics)
 * and about 20 % on JDK 17. So within Java both algorithms stay on JCE: 0 B would take an AEAD
 * written for it, and written in Java it would give up AES-NI and the ChaCha20 intrinsics. From
 * Java 22 on, {@link AeadBackend} uses OpenSSL's libcrypto instead, which allocates nothing.
 */
public final class JceAead implements Aead {
    private static final int TAG_BITS = AeadAlgorithm.ICV_LENGTH * Byte.SIZE;
    private static final int INITIAL_SCRATCH = 2048;

    private final AeadAlgorithm algorithm;
    private final SecretKeySpec key;
    private final byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
    private final Cipher sealCipher;
    private final Cipher openCipher;
    private byte[] scratch = new byte[INITIAL_SCRATCH];
    private boolean opened;
    private long lastOpenIv;

    /**
     * @param keymat key followed by the 4-octet salt; copied, the caller may wipe its array
     */
    public JceAead(AeadAlgorithm algorithm, byte[] keymat) {
        algorithm.requireKeymatLength(keymat);
        this.algorithm = algorithm;
        this.key = new SecretKeySpec(keymat, 0, algorithm.keyLength(), algorithm.jceKeyAlgorithm());
        System.arraycopy(keymat, algorithm.keyLength(), nonce, 0, AeadAlgorithm.SALT_LENGTH);
        try {
            this.sealCipher = Cipher.getInstance(algorithm.jceTransformation());
            this.openCipher = Cipher.getInstance(algorithm.jceTransformation());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks " + algorithm.jceTransformation(), e);
        }
    }

    @Override
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public void seal(long iv, byte[] aad, int aadLength, ByteBuf buf, int index, int length) {
        try {
            sealCipher.init(Cipher.ENCRYPT_MODE, key, parameters(iv));
            sealCipher.updateAAD(aad, 0, aadLength);
            if (buf.hasArray()) {
                int offset = buf.arrayOffset() + index;
                sealCipher.doFinal(buf.array(), offset, length, buf.array(), offset);
            } else {
                byte[] work = scratch(length + AeadAlgorithm.ICV_LENGTH);
                copyOut(buf, index, work, length);
                int written = sealCipher.doFinal(work, 0, length, work, 0);
                buf.setBytes(index, work, 0, written);
            }
        } catch (GeneralSecurityException e) {
            // Only a bug gets here: key and nonce sizes are fixed, the IV never repeats.
            throw new IllegalStateException(algorithm.configName() + " seal failed", e);
        }
    }

    @Override
    public boolean open(long iv, byte[] aad, int aadLength, ByteBuf buf, int index, int length) {
        if (length < AeadAlgorithm.ICV_LENGTH) {
            return false;
        }
        try {
            if (algorithm == AeadAlgorithm.CHACHA20_POLY1305 && opened && iv == lastOpenIv) {
                // SunJCE's ChaCha20-Poly1305 refuses the key and nonce of its previous init even
                // for decryption; a forged copy of the last packet would otherwise throw. Another
                // nonce in between resets that memory (rare: only repeated IVs pay for it).
                openCipher.init(Cipher.DECRYPT_MODE, key, parameters(~iv));
            }
            opened = true;
            lastOpenIv = iv;
            openCipher.init(Cipher.DECRYPT_MODE, key, parameters(iv));
            openCipher.updateAAD(aad, 0, aadLength);
            if (buf.hasArray()) {
                int offset = buf.arrayOffset() + index;
                openCipher.doFinal(buf.array(), offset, length, buf.array(), offset);
            } else {
                byte[] work = scratch(length);
                copyOut(buf, index, work, length);
                int written = openCipher.doFinal(work, 0, length, work, 0);
                buf.setBytes(index, work, 0, written);
            }
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm.configName() + " open failed", e);
        }
    }

    private AlgorithmParameterSpec parameters(long iv) {
        for (int i = 0; i < Long.BYTES; i++) {
            nonce[AeadAlgorithm.SALT_LENGTH + i] = (byte) (iv >>> (56 - 8 * i));
        }
        // The JCE API takes the nonce only inside a parameter object, which copies it.
        return algorithm == AeadAlgorithm.CHACHA20_POLY1305
                ? new IvParameterSpec(nonce)
                : new GCMParameterSpec(TAG_BITS, nonce);
    }

    /** {@code getBytes} without its per-call NIO duplicate (see the class comment). */
    private static void copyOut(ByteBuf buf, int index, byte[] work, int length) {
        buf.internalNioBuffer(index, length).get(work, 0, length);
    }

    private byte[] scratch(int length) {
        if (scratch.length < length) {
            scratch = Arrays.copyOf(scratch, Integer.highestOneBit(length - 1) << 1);
        }
        return scratch;
    }

    @Override
    public String toString() {
        return "JceAead[" + algorithm.configName() + "]";
    }
}
