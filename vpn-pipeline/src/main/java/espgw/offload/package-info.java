/**
 * TUN offloads (a TUN opened with IFF_VNET_HDR and TUNSETOFFLOAD): the kernel hands espgw TCP
 * super-packets of up to 64 KiB and takes such super-packets back, so one TUN read or write moves
 * ~45 segments, and the kernel's TCP at both ends handles one large packet instead of many small.
 *
 * <p>Both handlers sit on the TUN channel. Inbound there (packets the kernel sends into the
 * tunnel), {@link espgw.offload.GsoSplitter} is first after the read: it cuts each super-packet
 * into the TCP segments the sender meant ({@link espgw.offload.TcpSegmentation}) and completes
 * partial checksums, so everything after it sees ordinary packets of at most the tunnel MTU.
 * Outbound there (packets written into the TUN), {@link espgw.offload.GroCoalescer} is next to
 * the channel: it holds what is written until the flush, merges the in-order segments of each TCP
 * flow, and on a kernel that takes them (Linux 6.2) the datagrams of each UDP flow, into
 * super-packets ({@link espgw.offload.CoalescingBatch}, rules in {@link espgw.offload.TcpCoalescing}
 * and {@link espgw.offload.UdpCoalescing}), and frames every packet with the
 * {@link espgw.linux.tun.VirtioNetHeader} the TUN expects.
 *
 * <p>Threading: handlers run on their channel's event loop; per-batch state is that loop's alone.
 */
package espgw.offload;
