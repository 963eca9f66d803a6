/**
 * IKEv2 messages (RFC 7296 §3) as plain values: {@link espgw.ike.message.IkeMessage} is the
 * header and a payload chain, one record per payload type, constants spelled as the RFC spells
 * them with the section cited. Decoding is strict: every length is checked, and every malformed
 * input ends in an {@link espgw.ike.message.IkeProtocolException} that carries the Notify to
 * answer with (INVALID_SYNTAX, UNSUPPORTED_CRITICAL_PAYLOAD, INVALID_MAJOR_VERSION). Nothing here
 * holds key material or does I/O; the SK payload is sealed and opened in {@code espgw.ike.crypto}.
 */
package espgw.ike.message;
