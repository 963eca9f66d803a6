/**
 * The Linux edge of espgw: thin JNA bindings for setup only (one class per C header under
 * {@code libc}), TUN devices and raw ESP sockets as Netty channels on the epoll event loop, and the
 * journaled host network setup. Per-packet I/O uses Netty's JNI ({@code io.netty.channel.unix}).
 */
package espgw.linux;
