/**
 * AEAD behind a small seal/open interface ({@link espgw.crypto.Aead}): AES-GCM (RFC 4106) and
 * ChaCha20-Poly1305 (RFC 7634), from OpenSSL's libcrypto on Java 22+ or the JDK's providers
 * ({@link espgw.crypto.AeadBackend}). No ESP framing here: the caller supplies
 * the AAD and the explicit IV. Instances are confined to one thread (the SA's event loop); key
 * material never leaves them and no {@code toString} prints it.
 */
package espgw.crypto;
