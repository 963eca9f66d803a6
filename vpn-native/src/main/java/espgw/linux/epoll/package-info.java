/**
 * What every espgw packet channel over a single non-blocking fd shares: registration on Netty 4.2's
 * epoll {@code IoEventLoop} through the public {@code EpollIoHandle} / {@code IoRegistration} API,
 * the interest set (and the Netty quirk it works around), the drain-per-wakeup read loop and the
 * write loop that waits for EPOLLOUT on EAGAIN. See {@link espgw.linux.epoll.PacketFdChannel}; the
 * TUN queue and the raw ESP socket only say how one packet is read, written and checked.
 */
package espgw.linux.epoll;
