package espgw.crypto;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Second, independent {@link Aead} on BouncyCastle's lightweight API. Too slow for the packet
 * path (and it allocates freely); it exists so the vectors run through two implementations and
 * each decrypts the other's output.
 */
public final class BouncyCastleAead implements Aead {
    private final AeadAlgorithm algorithm;
    private final byte[] key;
    private final byte[] salt;

    public BouncyCastleAead(AeadAlgorithm algorithm, byte[] keymat) {
        this.algorithm = algorithm;
        this.key = Arrays.copyOf(keymat, algorithm.keyLength());
        this.salt = Arrays.copyOfRange(keymat, algorithm.keyLength(), keymat.length);
    }

    @Override
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public void seal(long iv, byte[] aad, int aadLength, ByteBuf buf, int index, int length) {
        AEADCipher cipher = cipher(true, iv, aad, aadLength);
        byte[] in = new byte[length];
        buf.getBytes(index, in);
        byte[] out = new byte[cipher.getOutputSize(length)];
        int n = cipher.processBytes(in, 0, length, out, 0);
        try {
            n += cipher.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e);
        }
        buf.setBytes(index, out, 0, n);
    }

    @Override
    public boolean open(long iv, byte[] aad, int aadLength, ByteBuf buf, int index, int length) {
        AEADCipher cipher = cipher(false, iv, aad, aadLength);
        byte[] in = new byte[length];
        buf.getBytes(index, in);
        byte[] out = new byte[Math.max(0, cipher.getOutputSize(length))];
        try {
            int n = cipher.processBytes(in, 0, length, out, 0);
            n += cipher.doFinal(out, n);
            buf.setBytes(index, out, 0, n);
            return true;
        } catch (InvalidCipherTextException e) {
            return false;
        }
    }

    private AEADCipher cipher(boolean encrypt, long iv, byte[] aad, int aadLength) {
        byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
        System.arraycopy(salt, 0, nonce, 0, AeadAlgorithm.SALT_LENGTH);
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (iv >>> (56 - 8 * i));
        }
        AEADCipher cipher = algorithm == AeadAlgorithm.CHACHA20_POLY1305
                ? new ChaCha20Poly1305() : GCMBlockCipher.newInstance(AESEngine.newInstance());
        cipher.init(encrypt, new AEADParameters(new KeyParameter(key), AeadAlgorithm.ICV_LENGTH * 8, nonce,
                Arrays.copyOf(aad, aadLength)));
        return cipher;
    }
}
