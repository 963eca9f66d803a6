/**
 * Wire formats, one class per RFC, as flyweights: static accessors over a {@code ByteBuf} and an
 * offset, no object per packet, constants spelled as the RFC spells them with the section cited.
 * {@link espgw.wire.EspHeader} (RFC 4303), {@link espgw.wire.Ipv4Header} (RFC 791), the transport
 * headers espgw needs to fix checksums in ({@link espgw.wire.TcpHeader},
 * {@link espgw.wire.UdpHeader}, {@link espgw.wire.IcmpHeader}), the Internet checksum with its
 * incremental update ({@link espgw.wire.InternetChecksum}, RFC 1071/1624), in-place address
 * rewriting with every checksum fixed ({@link espgw.wire.Ipv4AddressRewrite}) and the outer header
 * of a tunnel packet ({@link espgw.wire.OuterIpv4}). Nothing here keeps per-packet state or does I/O.
 */
package espgw.wire;
