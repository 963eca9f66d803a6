package espgw.bench;

import espgw.crypto.Aead;
import espgw.crypto.AeadAlgorithm;
import io.netty.buffer.ByteBuf;
import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Candidate for {@link AeadAllocBenchmark}: {@code JceAead}'s call pattern (direct buffers through
 * one scratch array, in place) but with one parameter object per instance instead of one per
 * packet. The JCE parameter classes copy the nonce in and out and have no setter, so this
 * subclasses them: {@code getIV()} returns a fresh copy of a nonce array we rewrite per packet
 * (the providers call it once per init and keep the copy). Saves only the spec object and its
 * constructor's copy; everything the provider allocates inside init and doFinal stays.
 */
final class ReusedSpecJceAead implements Aead {
    private static final int TAG_BITS = AeadAlgorithm.ICV_LENGTH * Byte.SIZE;

    private final AeadAlgorithm algorithm;
    private final SecretKeySpec key;
    private final byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
    private final AlgorithmParameterSpec parameters;
    private final Cipher sealCipher;
    private final Cipher openCipher;
    private final byte[] scratch = new byte[2048];

    ReusedSpecJceAead(AeadAlgorithm algorithm, byte[] keymat) {
        this.algorithm = algorithm;
        String keyAlgorithm = algorithm == AeadAlgorithm.CHACHA20_POLY1305 ? "ChaCha20" : "AES";
        this.key = new SecretKeySpec(keymat, 0, algorithm.keyLength(), keyAlgorithm);
        System.arraycopy(keymat, algorithm.keyLength(), nonce, 0, AeadAlgorithm.SALT_LENGTH);
        this.parameters = algorithm == AeadAlgorithm.CHACHA20_POLY1305
                ? new IvParameterSpec(nonce) {
                    @Override
                    public byte[] getIV() {
                        return nonce.clone();
                    }
                }
                : new GCMParameterSpec(TAG_BITS, nonce) {
                    @Override
                    public byte[] getIV() {
                        return nonce.clone();
                    }
                };
        String transformation = algorithm == AeadAlgorithm.CHACHA20_POLY1305
                ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding";
        try {
            this.sealCipher = Cipher.getInstance(transformation);
            this.openCipher = Cipher.getInstance(transformation);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public void seal(long iv, byte[] aad, int aadLength, ByteBuf buf, int index, int length) {
        try {
            writeIv(iv);
            sealCipher.init(Cipher.ENCRYPT_MODE, key, parameters);
            sealCipher.updateAAD(aad, 0, aadLength);
            buf.getBytes(index, scratch, 0, length);
            int written = sealCipher.doFinal(scratch, 0, length, scratch, 0);
            buf.setBytes(index, scratch, 0, written);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm.configName() + " seal failed", e);
        }
    }

    @Override
    public boolean open(long iv, byte[] aad, int aadLength, ByteBuf buf, int index, int length) {
        try {
            writeIv(iv);
            openCipher.init(Cipher.DECRYPT_MODE, key, parameters);
            openCipher.updateAAD(aad, 0, aadLength);
            buf.getBytes(index, scratch, 0, length);
            int written = openCipher.doFinal(scratch, 0, length, scratch, 0);
            buf.setBytes(index, scratch, 0, written);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm.configName() + " open failed", e);
        }
    }

    private void writeIv(long iv) {
        for (int i = 0; i < Long.BYTES; i++) {
            nonce[AeadAlgorithm.SALT_LENGTH + i] = (byte) (iv >>> (56 - 8 * i));
        }
    }
}
