package espgw.esp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import espgw.crypto.AeadAlgorithm;
import espgw.crypto.AeadBackend;
import espgw.daemon.PacketBuffers;
import espgw.drop.CountingDropRecorder;
import espgw.nat.AddressDeOffset;
import espgw.nat.AddressOffset;
import espgw.nat.ConntrackSourceRestore;
import espgw.nat.Ipv4Prefix;
import espgw.nat.PathMtuGuard;
import espgw.sa.Direction;
import espgw.sa.ManualSa;
import espgw.sa.MemorySequenceStore;
import espgw.sa.SaDatabase;
import espgw.sa.SecurityAssociation;
import espgw.testing.EventLoopAllocation;
import espgw.wire.Ipv4Header;
import espgw.wire.OuterIpv4;
import espgw.wire.TestDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ESP data path allocates nothing per packet on an event loop ({@link EventLoopAllocation}):
 * an inner packet from the TUN through address de-offset, the path MTU check, ESP and the outer
 * IPv4 header, and that ESP packet through the peer's outer header check, ESP, the selector check
 * and the source restore, as the gateway chains them. What JMH's {@code PipelineBenchmark -prof gc}
 * reports, held by a test. Needs OpenSSL's ciphers: JCE makes a new GCM engine or Poly1305 per
 * packet, 1-2 KB (the JDK 17 fallback, see {@code AeadBackend}).
 */
@EnabledForJreRange(minVersion = 22,
        disabledReason = "JCE allocates per packet and OpenSSL's binding needs Java 22+; .ci/run runs this on Temurin 25")
class EspDataPathAllocationTest {
    private static final int CLIENT = Ipv4Prefix.parseAddress("10.0.0.161");
    private static final int SERVER = Ipv4Prefix.parseAddress("10.0.0.160");
    private static final int SERVER_OFFSET = Ipv4Prefix.parseAddress("10.0.1.160");
    private static final int HEADROOM = 64;
    private static final int TAILROOM = 32;
    private static final int ROUNDS = 5_000;
    private static final int WARM_UP_ROUNDS = 30_000;

    @ParameterizedTest
    @ValueSource(strings = {"aes-gcm-128", "chacha20-poly1305"})
    void aPacketOutAndInAllocatesNothingOnAnEventLoopThread(String algorithm) throws InterruptedException {
        assertEquals(AeadBackend.OPENSSL, AeadBackend.chosen(), "the ciphers the daemon chooses on this JDK");
        long allocated = EventLoopAllocation.bytesFor(() -> new OutAndIn(algorithm), WARM_UP_ROUNDS, ROUNDS);
        // Under 4 B per round of two packets (64 and 1400 B) out and in: the pool's occasional
        // bookkeeping passes, one object per round (16 B or more) does not.
        assertTrue(allocated >= 0 && allocated < 4L * ROUNDS, allocated + " bytes allocated for " + ROUNDS + " rounds");
    }

    /** The client's outbound handlers and the server's inbound ones, each on an EmbeddedChannel. */
    private static final class OutAndIn implements EventLoopAllocation.Rounds {
        private final byte[][] innerPackets = {udpToServer(64), udpToServer(1400)};
        private final CountingDropRecorder drops = new CountingDropRecorder();
        private final EmbeddedChannel outbound;
        private final EmbeddedChannel inbound;

        OutAndIn(String algorithm) {
            AddressOffset offset = new AddressOffset(Ipv4Prefix.parse("10.0.0.0/24"), Ipv4Prefix.parse("10.0.1.0/24"));
            String key = "0x" + "ab".repeat(AeadAlgorithm.fromConfigName(algorithm).keymatLength());
            ManualSa manual = ManualSa.of("0x1001", algorithm, key, true, 4096);
            SecurityAssociation out = manual.toBuilder(Direction.OUTBOUND).sequenceStore(new MemorySequenceStore()).build();
            SaDatabase database = new SaDatabase();
            database.install(manual.toBuilder(Direction.INBOUND).build());
            OuterIpv4 outer = new OuterIpv4(true);
            InboundContext context = new InboundContext();
            outbound = new EmbeddedChannel(new AddressDeOffset(offset, drops), new PathMtuGuard(1446, CLIENT, drops),
                    new EspOutbound(packet -> out, drops), new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            outer.prepend((ByteBuf) msg, CLIENT, SERVER);
                            ctx.fireChannelRead(msg);
                        }
                    });
            inbound = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    OuterIpv4.strip((ByteBuf) msg);
                    ctx.fireChannelRead(msg);
                }
            }, new EspInbound(database, context, drops), new SelectorCheck(context, drops),
                    new ConntrackSourceRestore(offset, drops));
            // The daemon's channels allocate from this one (Netty 4.2's default, adaptive, is another).
            outbound.config().setAllocator(PacketBuffers.allocator());
            inbound.config().setAllocator(PacketBuffers.allocator());
        }

        @Override
        public void run(int rounds) {
            for (int i = 0; i < rounds; i++) {
                for (byte[] innerPacket : innerPackets) {
                    ByteBuf packet = PacketBuffers.allocator().directBuffer(HEADROOM + innerPacket.length + TAILROOM);
                    packet.setIndex(HEADROOM, HEADROOM).writeBytes(innerPacket);
                    read(outbound, packet);
                    read(inbound, outbound.readInbound());
                    ByteBuf inner = inbound.readInbound();
                    if (inner == null || inner.readableBytes() != innerPacket.length) {
                        // A message built only on failure: one built per packet would count.
                        fail("inner packet of " + innerPacket.length + " B not delivered whole: " + inner + ", " + drops);
                    }
                    inner.release();
                }
            }
        }

        /** One read as an event loop delivers it; writeInbound's varargs array would count. */
        private static void read(EmbeddedChannel channel, ByteBuf packet) {
            channel.pipeline().fireChannelRead(packet).fireChannelReadComplete();
            channel.checkException();
        }

        @Override
        public void close() {
            outbound.finishAndReleaseAll();
            inbound.finishAndReleaseAll();
        }

        /** A UDP packet from the client to the server's offset address, as the TUN hands it over after DNAT. */
        private static byte[] udpToServer(int length) {
            TestDatagram datagram = new TestDatagram(Ipv4Header.PROTOCOL_UDP, CLIENT, SERVER_OFFSET,
                    TestDatagram.udp(40000, 5001, new byte[length - 28]));
            datagram.dontFragment = true;
            return datagram.build();
        }
    }
}
