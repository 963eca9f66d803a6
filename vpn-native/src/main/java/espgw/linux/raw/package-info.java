/**
 * The raw ESP socket as a Netty channel: {@code socket(AF_INET, SOCK_RAW, IPPROTO_ESP)} opened with
 * JNA ({@link espgw.linux.raw.RawEspSocket}), driven by Netty 4.2's epoll {@code IoEventLoop}
 * through the public {@code EpollIoHandle} API ({@link espgw.linux.raw.EspSocketChannel}), which
 * reads and writes batches of datagrams with one recvmmsg or sendmmsg each.
 *
 * <p>Messages in both directions are whole outer IPv4 packets (IPv4 header + ESP) in one direct
 * {@code ByteBuf}: the kernel hands raw sockets the IPv4 header, and with {@code IP_HDRINCL} it
 * sends ours unchanged (filling in only the checksum, total length and, when zero, the id).
 * {@link espgw.linux.raw.EspDatagrams} reads the few header fields this layer needs.
 *
 * <p>Threading: everything but {@code open} runs on the channel's event loop, as for any Netty
 * channel. The socket belongs to the network namespace of the thread that opened it, so open it
 * inside {@code NetNamespace.call} to place it in another namespace.
 *
 * <p>The kernel gives every raw ESP socket in a namespace its own copy of every incoming ESP
 * packet, so a gateway reads from exactly one ESP channel per namespace; other event loops write
 * to it (Netty hands the write over to its loop).
 *
 * <p>Errors: ICMP errors for sent packets are not reported (Linux reports them on raw sockets only
 * when connected or with IP_RECVERR). A packet the kernel refuses (sendmmsg or sendto) fails its
 * own write promise; the packets after it in the batch are still sent.
 */
package espgw.linux.raw;
