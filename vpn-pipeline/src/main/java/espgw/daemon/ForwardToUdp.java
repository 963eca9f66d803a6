package espgw.daemon;

import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.SegmentedDatagramPacket;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outbound, after ESP: sends the ESP packet (from the SPI on) of every peer with UDP encapsulation
 * as the payload of a UDP datagram to the peer's port (RFC 3948 §2.1) — the one IKE last heard the
 * peer from when a NAT translates it ({@link Peer#udpEndpoint()}) — and passes the packets of all
 * other peers on, untouched, to the raw ESP path.
 *
 * <p>Batching: a read batch's datagrams are gathered per peer ({@link DatagramBatch}) and written at
 * {@code channelReadComplete}, then flushed once, so the channel sends them with one sendmmsg; runs
 * of equal size go out as one UDP GSO buffer each when the kernel supports it. If the kernel refuses
 * a GSO send as such (EIO: the device cannot checksum it; EINVAL: a segment does not fit the route's
 * MTU), segmentation is turned off for good and the datagrams go out one by one.
 *
 * <p>Ownership: consumes every packet of a UDP peer: gathered, or released and counted as
 * {@code backpressure} when the UDP channel is not writable. A GSO send the kernel refuses counts
 * each of its datagrams as {@code send_failed}; a refused single datagram fails its write on the
 * UDP channel's pipeline, which counts it. Marks each peer it sends to for {@link NatKeepalive}.
 * Not sharable: one per TUN pipeline, like its router.
 */
final class ForwardToUdp extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardToUdp.class);
    /** errno values, negated as Netty reports them, of a GSO send the kernel cannot do at all. */
    private static final int EIO = -5;
    private static final int EINVAL = -22;

    private final TunnelRouter router;
    private final Channel udp;
    private final DropRecorder drops;
    private final Map<Peer, DatagramBatch> batches = new IdentityHashMap<>();
    private final Peer[] peers;
    /** The batch of {@code peers[i]} at {@code all[i]}. */
    private final DatagramBatch[] all;
    private boolean segmentation;

    /**
     * @param udpPeers     the peers that may use UDP; each packet goes by whether its peer uses it now
     * @param segmentation whether the UDP channel takes GSO buffers ({@link EspUdpSocket#gsoSupported()})
     */
    ForwardToUdp(TunnelRouter router, List<Peer> udpPeers, Channel udp, boolean segmentation, DropRecorder drops) {
        this.router = router;
        this.udp = udp;
        this.drops = drops;
        this.segmentation = segmentation;
        this.peers = udpPeers.toArray(new Peer[0]);
        this.all = new DatagramBatch[peers.length];
        for (int i = 0; i < peers.length; i++) {
            all[i] = new DatagramBatch(segmentation, EspUdpSocket.MAX_PAYLOAD);
            batches.put(peers[i], all[i]);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Peer peer = router.current();
        DatagramBatch batch = peer == null || !peer.udpEncapsulated() ? null : batches.get(peer);
        if (batch == null || !(msg instanceof ByteBuf packet)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (!udp.isActive() || !udp.isWritable()) {
            packet.release();
            drops.drop(DropReason.BACKPRESSURE);
            return;
        }
        peer.markUdpSent();
        if (!batch.add(ctx.alloc(), packet)) {
            send(peer, batch);
            batch.add(ctx.alloc(), packet); // an empty batch takes any packet
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        boolean wrote = false;
        for (int i = 0; i < all.length; i++) {
            if (!all[i].isEmpty()) {
                send(peers[i], all[i]);
                wrote = true;
            }
        }
        if (wrote) {
            udp.flush();
        }
        ctx.fireChannelReadComplete();
    }

    private void send(Peer peer, DatagramBatch batch) {
        int datagrams = batch.count();
        DatagramPacket datagram = batch.take(peer.udpEndpoint());
        if (datagram instanceof SegmentedDatagramPacket) {
            udp.write(datagram).addListener((ChannelFutureListener) future -> segmentedSent(future, datagrams));
        } else {
            udp.write(datagram, udp.voidPromise());
        }
    }

    private void segmentedSent(ChannelFuture future, int datagrams) {
        if (future.isSuccess()) {
            return;
        }
        for (int i = 0; i < datagrams; i++) {
            drops.drop(DropReason.SEND_FAILED);
        }
        if (segmentation && future.cause() instanceof Errors.NativeIoException e
                && (e.expectedErr() == EIO || e.expectedErr() == EINVAL)) {
            segmentation = false;
            for (DatagramBatch batch : all) {
                batch.disableSegmentation();
            }
            LOG.warn("UDP GSO refused by the kernel ({}): sending ESP-in-UDP datagrams one by one",
                    e.getMessage());
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        for (DatagramBatch batch : all) {
            batch.discard();
        }
    }
}
