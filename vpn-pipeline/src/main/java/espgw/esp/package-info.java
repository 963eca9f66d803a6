/**
 * The ESP data plane (RFC 4303, tunnel mode, AEAD only). Plain cores do the work on a buffer, an
 * SA and nothing else: {@link espgw.esp.EspCodec} (framing around an AEAD),
 * {@link espgw.esp.EspEncryptor} (outbound: sequence number, IV, lifetime, seal) and
 * {@link espgw.esp.EspDecryptor} (inbound: SPI lookup, replay check, open, window commit, trailer
 * and Next Header policy). The handlers are thin adapters over them:
 *
 * <pre>
 *   TUN read ... -> EspOutbound -> (outer IPv4 header) -> ESP socket write
 *   ESP socket read -> (outer header stripped) -> EspInbound -> ... -> TUN write
 * </pre>
 *
 * <p>Both handlers work in place on the one pooled buffer, consume what they read and emit it or
 * release it with a counted {@link espgw.esp.DropReason}. Each pipeline has its own handler
 * instances and runs on one event loop; an SA's mutable state belongs to that loop.
 */
package espgw.esp;
