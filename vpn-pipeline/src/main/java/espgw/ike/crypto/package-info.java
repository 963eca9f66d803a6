/**
 * IKEv2 cryptography: the key exchange groups (Curve25519 per RFC 8031, ECP-256 per RFC 5903),
 * the HMAC-SHA-2 PRFs and prf+ (RFC 4868, RFC 7296 §2.13), the IKE SA keys (§2.14) and CHILD SA
 * key material (§2.17), shared-key AUTH (§2.15), NAT detection hashes (§2.23) and the AEAD
 * protection of the Encrypted payload (RFC 5282, RFC 7634) on {@link espgw.crypto.JceAead}. Key
 * material stays inside these objects: accessors return copies and no {@code toString} prints it.
 */
package espgw.ike.crypto;
