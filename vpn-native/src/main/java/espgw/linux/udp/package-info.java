/**
 * The UDP socket of ESP in UDP (RFC 3948) as a Netty channel without an object per datagram
 * ({@link espgw.linux.udp.EspUdpChannel}): opened with JNA, driven by Netty 4.2's epoll
 * {@code IoEventLoop} like the raw ESP socket, reading and writing with recvmmsg and sendmmsg,
 * with the kernel's UDP GRO and GSO.
 *
 * <p>Threading: everything but {@code open} runs on the channel's event loop. The socket belongs
 * to the network namespace of the thread that opened it.
 */
package espgw.linux.udp;
