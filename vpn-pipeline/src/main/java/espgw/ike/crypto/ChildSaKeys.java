package espgw.ike.crypto;

import java.util.Arrays;

/**
 * The key material of one ESP CHILD SA (RFC 7296 §2.17): KEYMAT = prf+(SK_d, Ni | Nr), or
 * prf+(SK_d, g^ir (new) | Ni | Nr) with a fresh key exchange (PFS). The initiator-to-responder
 * key comes first, then the responder-to-initiator one; with an AEAD each is key and salt and
 * there are no integrity keys. {@link #toString()} names no key.
 */
public final class ChildSaKeys {
    private final IkeEncryption encryption;
    private final byte[] initiatorToResponder;
    private final byte[] responderToInitiator;

    private ChildSaKeys(IkeEncryption encryption, byte[] initiatorToResponder, byte[] responderToInitiator) {
        this.encryption = encryption;
        this.initiatorToResponder = initiatorToResponder;
        this.responderToInitiator = responderToInitiator;
    }

    /** Without PFS, as for the CHILD SA of IKE_AUTH. */
    public static ChildSaKeys derive(Prf prf, byte[] skD, IkeEncryption encryption, byte[] ni, byte[] nr) {
        return derive(prf, skD, encryption, new byte[0], ni, nr);
    }

    /** With the shared secret of a new key exchange (CREATE_CHILD_SA with KE payloads). */
    public static ChildSaKeys derive(Prf prf, byte[] skD, IkeEncryption encryption, byte[] newSharedSecret,
            byte[] ni, byte[] nr) {
        int length = encryption.keymatLength();
        byte[] keymat = prf.plus(skD, IkeSaKeys.concat(newSharedSecret, ni, nr), 2 * length);
        ChildSaKeys keys = new ChildSaKeys(encryption, Arrays.copyOfRange(keymat, 0, length),
                Arrays.copyOfRange(keymat, length, 2 * length));
        Arrays.fill(keymat, (byte) 0);
        return keys;
    }

    public IkeEncryption encryption() {
        return encryption;
    }

    /** Key and salt of the ESP SA carrying initiator-to-responder traffic. */
    public byte[] initiatorToResponder() {
        return initiatorToResponder.clone();
    }

    /** Key and salt of the ESP SA carrying responder-to-initiator traffic. */
    public byte[] responderToInitiator() {
        return responderToInitiator.clone();
    }

    @Override
    public String toString() {
        return "ChildSaKeys[" + encryption + " keys=<redacted>]";
    }
}
