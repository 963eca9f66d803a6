package espgw.ike.crypto;

import espgw.ike.message.IdPayload;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Shared-key authentication (RFC 7296 §2.15, Auth Method 2):
 * AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), &lt;SignedOctets&gt;), where the initiator signs
 * RealMessage1 | NonceRData | prf(SK_pi, RestOfInitIDPayload) and the responder RealMessage2 |
 * NonceIData | prf(SK_pr, RestOfRespIDPayload).
 */
public final class PskAuthentication {
    /** §2.15: the 17 ASCII characters, no terminator. */
    private static final byte[] KEY_PAD = "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII);

    private PskAuthentication() {
    }

    /**
     * The octets one side signs or MACs.
     *
     * @param realMessage the sender's IKE_SA_INIT message exactly as sent
     * @param peerNonce the Nonce Data of the other side's IKE_SA_INIT message
     * @param skP SK_pi for the initiator, SK_pr for the responder
     * @param id the sender's own ID payload
     */
    public static byte[] signedOctets(Prf prf, byte[] realMessage, byte[] peerNonce, byte[] skP, IdPayload id) {
        return IkeSaKeys.concat(realMessage, peerNonce, prf.compute(skP, id.restOfIdPayload()));
    }

    /** The Authentication Data of an AUTH payload with method 2. */
    public static byte[] authData(Prf prf, byte[] sharedSecret, byte[] signedOctets) {
        return prf.compute(prf.compute(sharedSecret, KEY_PAD), signedOctets);
    }

    /** Compares received Authentication Data in constant time. */
    public static boolean verify(Prf prf, byte[] sharedSecret, byte[] signedOctets, byte[] received) {
        return MessageDigest.isEqual(authData(prf, sharedSecret, signedOctets), received);
    }
}
