package espgw.esp;

import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import espgw.drop.DropRecorder;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.crypto.AeadAlgorithm;
import espgw.sa.SaDatabase;
import espgw.sa.SecurityAssociation;
import espgw.wire.EspHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The two handlers alone on {@link EmbeddedChannel}s, and back to back. */
class EspHandlerTest {
    private final CountingDropRecorder drops = new CountingDropRecorder();
    private final Tunnel tunnel = new Tunnel(AeadAlgorithm.AES_GCM_128, true, 1);
    private final InboundContext context = new InboundContext();

    @Test
    void outboundEncryptsInPlaceWhenThereIsRoom() {
        EmbeddedChannel out = outbound(packet -> tunnel.outbound);
        ByteBuf buf = Buffers.withRoom(Buffers.Kind.POOLED_DIRECT, Tunnel.innerPacket(new Random(1), 100));
        out.writeInbound(buf);
        ByteBuf esp = out.readInbound();
        assertSame(buf, esp, "same buffer, header written into the headroom");
        assertEquals(Tunnel.SPI, EspHeader.spi(esp, esp.readerIndex()));
        assertEquals(0, esp.readerIndex());
        esp.release();
        assertEquals(0, drops.total());
        out.finishAndReleaseAll();
    }

    @Test
    void outboundCopiesIntoAPooledDirectBufferWithoutHeadroom() {
        EmbeddedChannel out = outbound(packet -> tunnel.outbound);
        byte[] inner = Tunnel.innerPacket(new Random(2), 1400);
        for (ByteBuf original : List.of(Unpooled.wrappedBuffer(inner.clone()),
                Unpooled.wrappedBuffer(inner.clone()).asReadOnly(),
                Buffers.of(Buffers.Kind.POOLED_DIRECT, inner).capacity(inner.length))) {
            out.writeInbound(original);
            ByteBuf esp = out.readInbound();
            assertNotSame(original, esp);
            assertEquals(0, original.refCnt(), "the original was released");
            assertTrue(esp.isDirect());
            assertNull(tunnel.decryptor.decrypt(esp));
            assertArrayEquals(inner, Buffers.drain(esp));
        }
        out.finishAndReleaseAll();
    }

    @Test
    void outboundDropsWithoutSaAndWhenExpired() {
        EmbeddedChannel out = outbound(OutboundSaSelector.byDestination(new SaDatabase()));
        ByteBuf noSa = Buffers.withRoom(Buffers.Kind.POOLED_DIRECT, Tunnel.innerPacket(new Random(3), 40));
        out.writeInbound(noSa);
        assertEquals(1, drops.count(DropReason.NO_SA));
        assertEquals(0, noSa.refCnt());
        Tunnel exhausted = new Tunnel(AeadAlgorithm.AES_GCM_256, false, 0xFFFF_FFFFL);
        EmbeddedChannel out2 = outbound(packet -> exhausted.outbound);
        out2.writeInbound(Buffers.withRoom(Buffers.Kind.POOLED_DIRECT, Tunnel.innerPacket(new Random(4), 40)));
        ByteBuf last = out2.readInbound();
        assertEquals(0xFFFF_FFFFL, EspHeader.sequenceNumber(last, last.readerIndex()));
        last.release();
        ByteBuf tooMany = Buffers.withRoom(Buffers.Kind.POOLED_DIRECT, Tunnel.innerPacket(new Random(5), 40));
        out2.writeInbound(tooMany);
        assertNull(out2.readInbound());
        assertEquals(0, tooMany.refCnt());
        assertEquals(1, drops.count(DropReason.SA_EXPIRED), "32-bit sequence numbers never cycle");
        assertTrue(exhausted.outbound.isExpired());
        out.finishAndReleaseAll();
        out2.finishAndReleaseAll();
    }

    @Test
    void nonBufferMessagesPassThrough() {
        EmbeddedChannel out = outbound(packet -> tunnel.outbound);
        EmbeddedChannel in = inbound();
        out.writeInbound("event");
        in.writeInbound("event");
        assertEquals("event", out.readInbound());
        assertEquals("event", in.readInbound());
    }

    @Test
    void backToBackWithTheSaVisibleDownstream() {
        EmbeddedChannel out = outbound(OutboundSaSelector.byDestination(database()));
        List<SecurityAssociation> seenDownstream = new ArrayList<>();
        EmbeddedChannel in = new EmbeddedChannel(new EspInbound(tunnel.receiver, context, drops),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        seenDownstream.add(context.currentSa());
                        ctx.fireChannelRead(msg);
                    }
                });
        byte[] inner = Tunnel.innerPacket(new Random(6), 300);
        // Destination 10.0.0.2 = the peer the outbound SA is installed for.
        System.arraycopy(Tunnel.PEER.getAddress(), 0, inner, 16, 4);
        out.writeInbound(Buffers.withRoom(Buffers.Kind.POOLED_DIRECT, inner));
        in.writeInbound((ByteBuf) out.readInbound());
        assertArrayEquals(inner, Buffers.drain(in.readInbound()));
        assertEquals(List.of(tunnel.inbound), seenDownstream);
        assertNull(context.currentSa(), "cleared after the packet passed");
        assertEquals(0, drops.total());
    }

    @Test
    void replayPerRfc4303Section343() {
        EmbeddedChannel in = inbound();
        List<ByteBuf> packets = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            packets.add(seal(Tunnel.innerPacket(new Random(i), 64)));
        }
        // Sequence numbers 1..300, each delivered as a fresh copy (decryption works in place).
        // Deliver 1..10 and 300 first.
        for (int i = 0; i < 10; i++) {
            assertAccepted(in, packets.get(i).copy());
        }
        assertAccepted(in, packets.get(299).copy());
        // Window 4096 here, so everything is inside; duplicates are not.
        assertRejected(in, packets.get(0).copy(), DropReason.REPLAY);
        assertRejected(in, packets.get(299).copy(), DropReason.REPLAY);
        // Reordered within the window, each delivered twice: accepted exactly once.
        List<Integer> order = new ArrayList<>();
        for (int i = 10; i < 299; i++) {
            order.add(i);
            order.add(i);
        }
        Collections.shuffle(order, new Random(9));
        int accepted = 0;
        for (int i : order) {
            in.writeInbound(packets.get(i).copy());
            ByteBuf inner = in.readInbound();
            if (inner != null) {
                accepted++;
                inner.release();
            }
        }
        assertEquals(289, accepted);
        assertEquals(2 + 289, drops.count(DropReason.REPLAY));
        packets.forEach(ByteBuf::release);
        in.finishAndReleaseAll();
    }

    @Test
    void replayWindowEdgeThroughTheHandler() {
        Tunnel small = new Tunnel(AeadAlgorithm.CHACHA20_POLY1305, false, 1, 64);
        EmbeddedChannel in = new EmbeddedChannel(new EspInbound(small.receiver, context, drops));
        List<ByteBuf> packets = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ByteBuf buf = Buffers.withRoom(Buffers.Kind.POOLED_DIRECT, Tunnel.innerPacket(new Random(i), 50));
            assertNull(small.encryptor.encrypt(small.outbound, buf));
            packets.add(buf);
        }
        assertAccepted(in, packets.get(199).copy());
        assertRejected(in, packets.get(135).copy(), DropReason.REPLAY); // 200 - 136 = 64: too old
        assertAccepted(in, packets.get(136).copy()); // 200 - 137 = 63: just inside
        assertRejected(in, packets.get(136).copy(), DropReason.REPLAY);
        packets.forEach(ByteBuf::release);
        in.finishAndReleaseAll();
    }

    private ByteBuf seal(byte[] inner) {
        ByteBuf buf = Buffers.withRoom(Buffers.Kind.POOLED_DIRECT, inner);
        assertNull(tunnel.encryptor.encrypt(tunnel.outbound, buf));
        return buf;
    }

    private void assertAccepted(EmbeddedChannel in, ByteBuf packet) {
        long before = drops.total();
        in.writeInbound(packet);
        ByteBuf inner = in.readInbound();
        assertEquals(before, drops.total(), drops.toString());
        inner.release();
    }

    private void assertRejected(EmbeddedChannel in, ByteBuf packet, DropReason reason) {
        long before = drops.count(reason);
        in.writeInbound(packet);
        assertNull(in.readInbound());
        assertEquals(before + 1, drops.count(reason));
    }

    private SaDatabase database() {
        SaDatabase database = new SaDatabase();
        database.install(tunnel.outbound);
        return database;
    }

    private EmbeddedChannel outbound(OutboundSaSelector selector) {
        return new EmbeddedChannel(new EspOutbound(selector, drops));
    }

    private EmbeddedChannel inbound() {
        return new EmbeddedChannel(new EspInbound(tunnel.receiver, context, drops));
    }
}
