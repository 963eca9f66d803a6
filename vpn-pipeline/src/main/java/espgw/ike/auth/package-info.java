/**
 * IKEv2 public-key authentication: what the IKE_AUTH exchange calls to sign its own AUTH payload
 * and to authenticate the peer's.
 *
 * <ul>
 *   <li>{@link espgw.ike.auth.DigitalSignatureAuthentication}: Authentication Method 14 (RFC 7427)
 *       with Ed25519 (RFC 8420) or ECDSA P-256/SHA-256 ({@link espgw.ike.auth.SignatureAlgorithm}),
 *       and {@link espgw.ike.auth.SignatureHashAlgorithms}, the RFC 7427 §4 notification;
 *       {@link espgw.ike.auth.EcdsaP256Authentication}: Authentication Method 9 (RFC 4754), what a
 *       P-256 key signs and verifies with for a peer without RFC 7427.</li>
 *   <li>{@link espgw.ike.auth.LocalCredential}: our key and certificate;
 *       {@link espgw.ike.auth.PeerAuthenticator}: the peer's chain against our CA
 *       ({@link espgw.ike.auth.CertificateChainValidator}), its ID against its certificate
 *       ({@link espgw.ike.auth.IkeIdentity}), its signature.</li>
 *   <li>{@link espgw.ike.auth.Pem}, {@link espgw.ike.auth.Keys} and
 *       {@link espgw.ike.auth.CertificateIssuer}: key files and a local CA, behind {@code espgw genkey},
 *       {@code pubkey} and {@code cert}.</li>
 * </ul>
 *
 * The exchange computes the signed octets (RFC 7296 §2.15) and passes bytes in; nothing here does
 * I/O except reading the configured files. Every peer failure is a typed
 * {@link espgw.ike.auth.AuthenticationException} that the exchange answers with
 * AUTHENTICATION_FAILED; no message, exception or {@code toString} carries key material.
 */
package espgw.ike.auth;
