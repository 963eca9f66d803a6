import espgw.crypto.Aead;
import espgw.crypto.AeadAlgorithm;
import espgw.crypto.AeadBackend;
import espgw.linux.tun.TunChannel;
import espgw.linux.tun.TunDevice;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * The floor under espgw in run.sh's "java-floor" subject: the least a forwarder on espgw's own
 * stack does per packet, to tell what the JVM, Netty and the cipher cost from what espgw's
 * pipelines add. One epoll event loop carries espgw's {@code TunChannel} (no offloads) and Netty's
 * {@code EpollDatagramChannel}; a TUN packet goes to the peer sealed with AES-GCM-128 through
 * espgw's {@code Aead} (OpenSSL on Java 22+), behind an 8-octet counter as the IV; a datagram from
 * the peer is opened and written into the TUN. No ESP framing, SAs, replay window or offloads.
 *
 * <p>Not a VPN: the key is fixed (all zero) so that both ends agree without a handshake. Run from
 * run.sh in its namespaces, in source-file mode with the espgw jar on the class path:
 * {@code java -cp vpn-pipeline.jar JvmFloor.java TUN_NAME LOCAL_PORT PEER_ADDRESS PEER_PORT}.
 * It prints "ready" once the TUN exists and the socket is bound, and runs until it is killed.
 */
public final class JvmFloor {
    private static final AeadAlgorithm ALGORITHM = AeadAlgorithm.AES_GCM_128;
    private static final int IV_LENGTH = 8;
    private static final int ICV_LENGTH = AeadAlgorithm.ICV_LENGTH;
    /** The 1500-octet veth less IPv4 (20), UDP (8), IV and ICV: iperf3's 1400-byte datagrams fit unfragmented. */
    private static final int TUN_MTU = 1500 - 20 - 8 - IV_LENGTH - ICV_LENGTH;
    private static final byte[] NO_AAD = new byte[0];

    private JvmFloor() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: java -cp vpn-pipeline.jar JvmFloor.java TUN_NAME LOCAL_PORT PEER_ADDRESS PEER_PORT");
            System.exit(2);
        }
        InetSocketAddress peer = new InetSocketAddress(args[2], Integer.parseInt(args[3]));
        Aead aead = AeadBackend.chosen().create(ALGORITHM, new byte[ALGORITHM.keymatLength()]);
        TunDevice device = TunDevice.open(args[0], 1, false);
        device.setMtu(TUN_MTU);
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        TunChannel tun = new TunChannel(device.queue(0));
        EpollDatagramChannel udp = new EpollDatagramChannel(SocketProtocolFamily.INET);
        tun.pipeline().addLast(new Seal(aead, udp, peer));
        udp.pipeline().addLast(new Open(aead, tun, peer));
        loop.register(tun).sync();
        loop.register(udp).sync();
        udp.bind(new InetSocketAddress(Integer.parseInt(args[1]))).sync();
        System.out.println("ready: " + AeadBackend.chosen().describe());
        new CountDownLatch(1).await();
    }

    /** TUN packet in; the sealed datagram to the peer out, flushed once per read batch. */
    private static final class Seal extends ChannelInboundHandlerAdapter {
        private final Aead aead;
        private final EpollDatagramChannel udp;
        private final InetSocketAddress peer;
        private long iv;

        Seal(Aead aead, EpollDatagramChannel udp, InetSocketAddress peer) {
            this.aead = aead;
            this.udp = udp;
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf packet = (ByteBuf) msg;
            int length = packet.readableBytes();
            ByteBuf datagram = ctx.alloc().directBuffer(IV_LENGTH + length + ICV_LENGTH);
            iv++;
            datagram.writeLong(iv).writeBytes(packet).writeZero(ICV_LENGTH);
            packet.release();
            aead.seal(iv, NO_AAD, 0, datagram, IV_LENGTH, length);
            udp.write(new DatagramPacket(datagram, peer), udp.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            udp.flush();
        }
    }

    /** A datagram from the peer in; the opened packet into the TUN, flushed once per read batch. */
    private static final class Open extends ChannelInboundHandlerAdapter {
        private final Aead aead;
        private final TunChannel tun;
        private final InetSocketAddress peer;

        Open(Aead aead, TunChannel tun, InetSocketAddress peer) {
            this.aead = aead;
            this.tun = tun;
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket datagram = (DatagramPacket) msg;
            ByteBuf content = datagram.content();
            int start = content.readerIndex();
            int sealed = content.readableBytes() - IV_LENGTH;
            if (!peer.equals(datagram.sender()) || sealed < ICV_LENGTH
                    || !aead.open(content.getLong(start), NO_AAD, 0, content, start + IV_LENGTH, sealed)) {
                datagram.release();
                return;
            }
            content.setIndex(start + IV_LENGTH, start + IV_LENGTH + sealed - ICV_LENGTH);
            tun.write(content, tun.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            tun.flush();
        }
    }
}
