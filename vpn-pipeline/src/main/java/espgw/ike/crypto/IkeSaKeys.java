package espgw.ike.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The keys of an IKE SA (RFC 7296 §2.14) with an AEAD cipher, which has no SK_ai/SK_ar: SK_d for
 * CHILD SA keys, SK_ei/SK_er (key and salt) protecting each direction, SK_pi/SK_pr for AUTH.
 * Accessors hand out copies; {@link #toString()} names no key.
 */
public final class IkeSaKeys {
    private final Prf prf;
    private final IkeEncryption encryption;
    private final byte[] skD;
    private final byte[] skEi;
    private final byte[] skEr;
    private final byte[] skPi;
    private final byte[] skPr;

    private IkeSaKeys(Prf prf, IkeEncryption encryption, byte[] keymat) {
        this.prf = prf;
        this.encryption = encryption;
        int prfLength = prf.outputLength();
        int encrLength = encryption.keymatLength();
        int offset = 0;
        skD = Arrays.copyOfRange(keymat, offset, offset += prfLength);
        skEi = Arrays.copyOfRange(keymat, offset, offset += encrLength);
        skEr = Arrays.copyOfRange(keymat, offset, offset += encrLength);
        skPi = Arrays.copyOfRange(keymat, offset, offset += prfLength);
        skPr = Arrays.copyOfRange(keymat, offset, offset + prfLength);
    }

    /** §2.14: SKEYSEED = prf(Ni | Nr, g^ir). */
    public static byte[] skeyseed(Prf prf, byte[] ni, byte[] nr, byte[] sharedSecret) {
        return prf.compute(concat(ni, nr), sharedSecret);
    }

    /**
     * §2.14: {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr),
     * SK_ai and SK_ar empty with an AEAD cipher; SK_d, SK_pi and SK_pr as long as the PRF's output
     * (RFC 4868 §2.1.2, the preferred key size).
     */
    public static IkeSaKeys derive(Prf prf, IkeEncryption encryption, byte[] ni, byte[] nr, byte[] sharedSecret,
            long spiI, long spiR) {
        return expand(prf, encryption, skeyseed(prf, ni, nr, sharedSecret), ni, nr, spiI, spiR);
    }

    /**
     * §2.18: the keys of the IKE SA that replaces this one, SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)
     * with the old PRF, then prf+ as in §2.14 with the new PRF, nonces and SPIs.
     */
    public IkeSaKeys rekey(Prf newPrf, IkeEncryption newEncryption, byte[] newSharedSecret, byte[] ni, byte[] nr,
            long newSpiI, long newSpiR) {
        return expand(newPrf, newEncryption, prf.compute(skD, newSharedSecret, ni, nr), ni, nr, newSpiI, newSpiR);
    }

    private static IkeSaKeys expand(Prf prf, IkeEncryption encryption, byte[] skeyseed, byte[] ni, byte[] nr,
            long spiI, long spiR) {
        byte[] seed = concat(ni, nr, ByteBuffer.allocate(16).putLong(spiI).putLong(spiR).array());
        int length = 3 * prf.outputLength() + 2 * encryption.keymatLength();
        byte[] keymat = prf.plus(skeyseed, seed, length);
        IkeSaKeys keys = new IkeSaKeys(prf, encryption, keymat);
        Arrays.fill(keymat, (byte) 0);
        Arrays.fill(skeyseed, (byte) 0);
        return keys;
    }

    public Prf prf() {
        return prf;
    }

    public IkeEncryption encryption() {
        return encryption;
    }

    public byte[] skD() {
        return skD.clone();
    }

    public byte[] skEi() {
        return skEi.clone();
    }

    public byte[] skEr() {
        return skEr.clone();
    }

    public byte[] skPi() {
        return skPi.clone();
    }

    public byte[] skPr() {
        return skPr.clone();
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int offset = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, offset, part.length);
            offset += part.length;
        }
        return out;
    }

    @Override
    public String toString() {
        return "IkeSaKeys[" + prf + " " + encryption + " keys=<redacted>]";
    }
}
