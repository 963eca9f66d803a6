/**
 * AEAD behind a small seal/open interface ({@link espgw.crypto.Aead}): AES-GCM (RFC 4106) and
 * ChaCha20-Poly1305 (RFC 7634) on the JDK's providers. No ESP framing here: the caller supplies
 * the AAD and the explicit IV. Instances are confined to one thread (the SA's event loop); key
 * material never leaves them and no {@code toString} prints it.
 */
package espgw.crypto;
