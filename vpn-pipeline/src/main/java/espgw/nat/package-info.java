/**
 * Address translation for the seed's same-subnet scheme, as thin Netty handlers over
 * {@link espgw.wire.Ipv4AddressRewrite}. Every handler reads one IPv4 datagram per
 * {@code ByteBuf}, rewrites it in place and passes the same buffer on, or releases it and reports
 * a {@link espgw.nat.DropReason} to {@link espgw.nat.DropRecorder}.
 *
 * <p>Client: TUN read → {@link espgw.nat.PathMtuGuard} → {@link espgw.nat.AddressDeOffset}
 * (fake → real destination, {@link espgw.nat.AddressOffset}) → ESP; ESP → decryption →
 * {@link espgw.nat.ConntrackSourceRestore} (real → fake source, for conntrack) → TUN write.
 *
 * <p>Server: ESP → decryption → {@link espgw.nat.ClientSourceMapping} (client source → its fake
 * address from the {@link espgw.nat.ClientAddressPool}) → TUN write; TUN read →
 * {@link espgw.nat.PathMtuGuard} → {@link espgw.nat.ClientDestinationMapping} (fake → real
 * destination, tagged with the client for SA selection) → ESP.
 *
 * <p>Threading: handlers run on their channel's event loop; {@link espgw.nat.AddressOffset} is
 * immutable and the pool's lookups are lock-free, so one pool serves every event loop.
 */
package espgw.nat;
