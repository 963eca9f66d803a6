package espgw.bench;

import espgw.crypto.Aead;
import espgw.crypto.AeadAlgorithm;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Candidate for {@link AeadAllocBenchmark}: BouncyCastle's lightweight API with everything reused
 * that its API lets us reuse. The key is set once; every later init passes a null key (BC then
 * keeps its key schedule and, for GCM, its multiplication tables) and a {@link ParametersWithIV}
 * whose nonce array ({@code getIV()} hands out the array itself) is rewritten in place. Sealing
 * alternates two such objects because BC's GCM keeps a reference to the last nonce for its reuse
 * check. Input and output are separate scratch arrays: on overlapping ranges BC copies the input.
 *
 * <p>What BC 1.87 still allocates per init and doFinal (GCM: J0, counter, the S blocks, the tag;
 * ChaCha20-Poly1305: the Poly1305 key block, its {@code KeyParameter} and the length block) is
 * what the benchmark reports; no API call avoids it.
 */
final class BouncyCastleLightweightAead implements Aead {
    private static final int INITIAL_SCRATCH = 2048;

    private final AeadAlgorithm algorithm;
    private final AEADCipher sealCipher;
    private final AEADCipher openCipher;
    private final ParametersWithIV[] sealParameters = new ParametersWithIV[2];
    private final ParametersWithIV openParameters;
    private int sealTurn;
    private byte[] in = new byte[INITIAL_SCRATCH];
    private byte[] out = new byte[INITIAL_SCRATCH];

    BouncyCastleLightweightAead(AeadAlgorithm algorithm, byte[] keymat) {
        this.algorithm = algorithm;
        this.sealCipher = newCipher(algorithm);
        this.openCipher = newCipher(algorithm);
        byte[] salt = Arrays.copyOfRange(keymat, algorithm.keyLength(), algorithm.keymatLength());
        KeyParameter key = new KeyParameter(keymat, 0, algorithm.keyLength());
        // The key goes in once, with an IV that ESP never sends (the sequence number starts at 1).
        sealCipher.init(true, new ParametersWithIV(key, nonce(salt)));
        openCipher.init(false, new ParametersWithIV(key, nonce(salt)));
        for (int i = 0; i < sealParameters.length; i++) {
            sealParameters[i] = new ParametersWithIV(null, nonce(salt));
        }
        openParameters = new ParametersWithIV(null, nonce(salt));
    }

    private static AEADCipher newCipher(AeadAlgorithm algorithm) {
        return algorithm == AeadAlgorithm.CHACHA20_POLY1305
                ? new ChaCha20Poly1305() : GCMBlockCipher.newInstance(AESEngine.newInstance());
    }

    private static byte[] nonce(byte[] salt) {
        byte[] nonce = new byte[AeadAlgorithm.NONCE_LENGTH];
        System.arraycopy(salt, 0, nonce, 0, AeadAlgorithm.SALT_LENGTH);
        return nonce;
    }

    @Override
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public void seal(long iv, byte[] aad, int aadLength, ByteBuf buf, int index, int length) {
        sealTurn ^= 1;
        ParametersWithIV parameters = sealParameters[sealTurn];
        writeIv(parameters.getIV(), iv);
        sealCipher.init(true, parameters);
        sealCipher.processAADBytes(aad, 0, aadLength);
        grow(length + AeadAlgorithm.ICV_LENGTH);
        buf.getBytes(index, in, 0, length);
        int written = sealCipher.processBytes(in, 0, length, out, 0);
        try {
            written += sealCipher.doFinal(out, written);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(algorithm.configName() + " seal failed", e);
        }
        buf.setBytes(index, out, 0, written);
    }

    @Override
    public boolean open(long iv, byte[] aad, int aadLength, ByteBuf buf, int index, int length) {
        if (length < AeadAlgorithm.ICV_LENGTH) {
            return false;
        }
        writeIv(openParameters.getIV(), iv);
        openCipher.init(false, openParameters);
        openCipher.processAADBytes(aad, 0, aadLength);
        grow(length);
        buf.getBytes(index, in, 0, length);
        try {
            int written = openCipher.processBytes(in, 0, length, out, 0);
            written += openCipher.doFinal(out, written);
            buf.setBytes(index, out, 0, written);
            return true;
        } catch (InvalidCipherTextException e) {
            return false;
        }
    }

    private static void writeIv(byte[] nonce, long iv) {
        for (int i = 0; i < Long.BYTES; i++) {
            nonce[AeadAlgorithm.SALT_LENGTH + i] = (byte) (iv >>> (56 - 8 * i));
        }
    }

    private void grow(int length) {
        if (in.length < length) {
            in = new byte[Integer.highestOneBit(length - 1) << 1];
            out = new byte[in.length];
        }
    }
}
