package espgw.daemon;

import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import espgw.linux.udp.EspUdpChannel;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Outbound, after ESP: sends the ESP packet (from the SPI on) of every peer with UDP encapsulation
 * as the payload of a UDP datagram to the peer's port (RFC 3948 §2.1) — the one IKE last heard the
 * peer from when a NAT translates it ({@link Peer#udpEndpoint()}) — and passes the packets of all
 * other peers on, untouched, to the raw ESP path.
 *
 * <p>Batching: a read batch's datagrams are gathered per peer ({@link DatagramBatch}) and written at
 * {@code channelReadComplete}, then flushed once, so the channel sends them with one sendmmsg; runs
 * of equal size go out as one UDP GSO buffer each while the UDP channel takes them: once the kernel
 * refused a run as such ({@link EspUdpChannel#isUdpGso()}), segmentation is off for good and the
 * datagrams go out one by one.
 *
 * <p>Ownership: consumes every packet of a UDP peer: gathered, or released and counted as
 * {@code backpressure} when the UDP channel is not writable. Every write has the void promise, so a
 * send the kernel refuses reaches the UDP channel's pipeline, whose {@link SendFailures} counts its
 * datagrams. Marks each peer it sends to for {@link NatKeepalive}.
 * Not sharable: one per TUN pipeline, like its router.
 */
final class ForwardToUdp extends ChannelInboundHandlerAdapter {
    private final TunnelRouter router;
    private final Channel udp;
    private final DropRecorder drops;
    private final Map<Peer, DatagramBatch> batches = new IdentityHashMap<>();
    private final Peer[] peers;
    /** The batch of {@code peers[i]} at {@code all[i]}. */
    private final DatagramBatch[] all;
    private final BooleanSupplier channelSegments;
    private boolean segmentation;

    /**
     * @param udpPeers     the peers that may use UDP; each packet goes by whether its peer uses it now
     * @param segmentation whether the UDP channel takes GSO buffers now, e.g. {@code EspUdpChannel::isUdpGso}
     */
    ForwardToUdp(TunnelRouter router, List<Peer> udpPeers, Channel udp, BooleanSupplier segmentation,
            DropRecorder drops) {
        this.router = router;
        this.udp = udp;
        this.drops = drops;
        this.channelSegments = segmentation;
        this.segmentation = segmentation.getAsBoolean();
        this.peers = udpPeers.toArray(new Peer[0]);
        this.all = new DatagramBatch[peers.length];
        for (int i = 0; i < peers.length; i++) {
            all[i] = new DatagramBatch(this.segmentation, EspUdpChannel.MAX_PAYLOAD);
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
        if (segmentation && !channelSegments.getAsBoolean()) {
            segmentationOff();
        }
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
        udp.write(batch.take(peer.udpEndpoint()), udp.voidPromise());
    }

    private void segmentationOff() {
        segmentation = false;
        for (DatagramBatch batch : all) {
            batch.disableSegmentation();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        for (DatagramBatch batch : all) {
            batch.discard();
        }
    }
}
