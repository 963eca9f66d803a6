package espgw.ike.session;

import java.util.Arrays;

/**
 * The peer's exchange that rekeyed the same SA as our outstanding one (RFC 7296 §2.8.1 for CHILD
 * SAs, §2.8.2 for the IKE SA): the SA made by the exchange holding the lowest of the four nonces
 * is redundant and its initiator deletes it. Nonces compare as unsigned octet strings.
 *
 * @param peerNi the nonce of the peer's request
 * @param ourNr the nonce of our answer to it
 */
record RekeyCollision(byte[] peerNi, byte[] ourNr) {
    /** True when the lowest nonce is in our exchange (our {@code ni}, the peer's answer {@code peerNr}). */
    boolean weLose(byte[] ourNi, byte[] peerNr) {
        return Arrays.compareUnsigned(lower(ourNi, peerNr), lower(peerNi, ourNr)) < 0;
    }

    private static byte[] lower(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
