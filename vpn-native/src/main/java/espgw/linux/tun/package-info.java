/**
 * TUN interfaces as Netty channels: where inner IP packets enter and leave espgw.
 *
 * <p>{@link espgw.linux.tun.TunDevice} does the setup with JNA (open {@code /dev/net/tun}, TUNSETIFF,
 * MTU, address, link up) in the calling thread's network namespace and yields one non-blocking fd
 * per queue. {@link espgw.linux.tun.TunChannel} wraps one queue fd and is registered on one epoll
 * {@code IoEventLoop}; with IFF_MULTI_QUEUE each event loop owns its own queue
 * ({@link espgw.linux.tun.TunQueues}), so the data path never shares a TUN fd between threads.
 * Per packet only Netty's JNI read/write run, no JNA. A channel's counters (read, truncated,
 * written, rejected, stalls) belong to its event loop.
 *
 * <p>Offloads: a device opened with them frames every packet with a
 * {@link espgw.linux.tun.VirtioNetHeader} and carries TCP/IPv4 super-packets of up to 64 KiB both
 * ways; the channel then reads up to that header plus 65535 bytes
 * ({@link espgw.linux.tun.TunChannelOption#VNET_HEADER}) and leaves splitting and coalescing to the
 * pipeline.
 *
 * <p>Ownership: a packet read is a pooled direct buffer owned by the handler that receives it in
 * {@code channelRead}, with {@link espgw.linux.tun.TunChannelOption#HEADROOM} free bytes in front
 * for in-place encapsulation. A buffer written is owned by the channel from {@code write} on and
 * released once the kernel took it, refused it (promise failed) or the channel closed (promise
 * failed). Back-pressure is Netty's: {@code isWritable()} follows the write-buffer water marks, and
 * a producer that cannot wait drops and counts.
 */
package espgw.linux.tun;
