/**
 * TUN offloads (a TUN opened with IFF_VNET_HDR and TUNSETOFFLOAD): the kernel hands espgw TCP
 * super-packets of up to 64 KiB and takes such super-packets back, so one TUN read or write moves
 * ~45 segments, and the kernel's TCP at both ends handles one large packet instead of many small.
 *
 * <p>Outbound, {@link espgw.offload.GsoSplitter} is first after the TUN read: it cuts each
 * super-packet into the TCP segments the sender meant ({@link espgw.offload.TcpSegmentation}) and
 * completes partial checksums, so that everything after it sees ordinary packets of at most the
 * tunnel MTU. Inbound, the coalescer is last before the TUN write: it merges the in-order segments
 * of one TCP flow within one read batch into a super-packet, and frames every packet with the
 * {@link espgw.linux.tun.VirtioNetHeader} the TUN expects.
 *
 * <p>Threading: handlers run on their channel's event loop; per-batch state is that loop's alone.
 */
package espgw.offload;
