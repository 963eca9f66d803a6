package espgw.crypto;

import io.netty.buffer.ByteBuf;

/**
 * Seal/open with one key in place in a buffer. The nonce is the key material's salt followed by
 * the 8-octet explicit IV (RFC 4106 §4, RFC 7634 §2), so callers pass only the IV. An instance is
 * confined to one thread: it reuses its cipher objects and scratch space.
 */
public interface Aead {
    AeadAlgorithm algorithm();

    /**
     * Encrypts {@code length} octets at {@code index} in place and writes the 16-octet ICV right
     * behind them; the caller guarantees that room.
     *
     * @param iv the explicit IV; must never repeat under this key
     */
    void seal(long iv, byte[] aad, int aadLength, ByteBuf buf, int index, int length);

    /**
     * Verifies and decrypts {@code length} octets (ciphertext followed by the ICV) at
     * {@code index} in place; on success the plaintext occupies the first {@code length - 16}.
     *
     * @return false when the ICV does not verify (the buffer content is then unspecified)
     */
    boolean open(long iv, byte[] aad, int aadLength, ByteBuf buf, int index, int length);
}
