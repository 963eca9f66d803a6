package espgw.offload;

import static espgw.offload.OffloadPackets.TIMESTAMPS;
import static espgw.offload.OffloadPackets.data;
import static espgw.offload.OffloadPackets.tcp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.daemon.PacketBuffers;
import espgw.drop.CountingDropRecorder;
import espgw.linux.tun.VirtioNetHeader;
import espgw.testing.EventLoopAllocation;
import espgw.wire.Ipv4Header;
import espgw.wire.TcpHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * The TUN offload path allocates nothing per super-packet on an event loop: a TCP super-packet cut
 * into its segments ({@link GsoSplitter}) and the segments merged again ({@link GroCoalescer})
 * must not grow the allocated bytes of a thread like the daemon's event loops
 * ({@link EventLoopAllocation}). On a plain thread Netty makes a new {@code ByteBuf} object per
 * segment, which is what JMH's {@code OffloadBenchmark -prof gc} reports, its benchmark thread
 * being a plain one.
 */
class OffloadAllocationTest {
    private static final int GSO_SIZE = 1388;
    private static final int SEGMENTS = 47;
    private static final int ROUNDS = 2_000;
    private static final int WARM_UP_ROUNDS = 20_000;
    private static final int ACK = 0x10;

    @Test
    void splittingAndCoalescingASuperPacketAllocatesNothingOnAnEventLoopThread() throws InterruptedException {
        byte[] frame = superPacketFrame();
        long allocated = EventLoopAllocation.bytesFor(() -> new SplitAndCoalesce(frame), WARM_UP_ROUNDS, ROUNDS);
        // Under 4 B per super-packet: the pool's occasional bookkeeping (~1 KB in 2 000 rounds) passes;
        // one object per super-packet (16 B or more), let alone per segment, does not.
        assertTrue(allocated >= 0 && allocated < 4L * ROUNDS,
                allocated + " bytes allocated for " + ROUNDS + " super-packets of " + SEGMENTS + " segments");
    }

    /** virtio_net_hdr (TCPV4, NEEDS_CSUM) and a TCP/IPv4 super-packet with timestamps, as the kernel hands it over. */
    private static byte[] superPacketFrame() {
        byte[] wire = tcp(1, 1, ACK, TIMESTAMPS, data(SEGMENTS * GSO_SIZE)).build();
        byte[] frame = new byte[VirtioNetHeader.LENGTH + wire.length];
        System.arraycopy(wire, 0, frame, VirtioNetHeader.LENGTH, wire.length);
        VirtioNetHeader.set(Unpooled.wrappedBuffer(frame), 0, VirtioNetHeader.VIRTIO_NET_HDR_F_NEEDS_CSUM,
                VirtioNetHeader.VIRTIO_NET_HDR_GSO_TCPV4, wire.length - SEGMENTS * GSO_SIZE, GSO_SIZE,
                Ipv4Header.MIN_HEADER_LENGTH, TcpHeader.CHECKSUM_OFFSET);
        return frame;
    }

    /** A TUN read's super-packet through the splitter, its segments through the coalescer. */
    private static final class SplitAndCoalesce implements EventLoopAllocation.Rounds {
        private final byte[] frame;
        private final EmbeddedChannel splitter = new EmbeddedChannel(new GsoSplitter(64, 32, new CountingDropRecorder()));
        private final EmbeddedChannel coalescer = new EmbeddedChannel(new GroCoalescer());

        SplitAndCoalesce(byte[] frame) {
            this.frame = frame;
            // The daemon's channels allocate from this one (Netty 4.2's default, adaptive, is another).
            splitter.config().setAllocator(PacketBuffers.allocator());
            coalescer.config().setAllocator(PacketBuffers.allocator());
        }

        @Override
        public void run(int rounds) {
            for (int i = 0; i < rounds; i++) {
                // From the allocator the TUN read's buffer comes from; writeInbound's varargs array would count.
                splitter.pipeline().fireChannelRead(PacketBuffers.allocator().directBuffer(frame.length).writeBytes(frame));
                for (ByteBuf segment = splitter.readInbound(); segment != null; segment = splitter.readInbound()) {
                    coalescer.write(segment, coalescer.voidPromise());
                }
                coalescer.flush();
                ByteBuf superPacket = coalescer.readOutbound();
                int length = superPacket.readableBytes();
                superPacket.release();
                assertEquals(frame.length, length, "the coalesced super-packet, virtio header included");
            }
        }

        @Override
        public void close() {
            splitter.finishAndReleaseAll();
            coalescer.finishAndReleaseAll();
        }
    }
}
