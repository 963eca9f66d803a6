package espgw.bench;

import espgw.crypto.Aead;
import espgw.crypto.AeadAlgorithm;
import io.netty.buffer.ByteBuf;

/**
 * An {@link Aead} that does no cryptography: benchmarks run espgw's framing, sequence numbers and
 * lifetime accounting through it to show their cost and allocation without JCE's.
 */
final class NullAead implements Aead {
    private final AeadAlgorithm algorithm;

    NullAead(AeadAlgorithm algorithm) {
        this.algorithm = algorithm;
    }

    @Override
    public AeadAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public void seal(long iv, byte[] aad, int aadLength, ByteBuf buf, int index, int length) {
        buf.setZero(index + length, AeadAlgorithm.ICV_LENGTH);
    }

    @Override
    public boolean open(long iv, byte[] aad, int aadLength, ByteBuf buf, int index, int length) {
        return true;
    }
}
