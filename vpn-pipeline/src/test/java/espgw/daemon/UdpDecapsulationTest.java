package espgw.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import espgw.esp.EspInbound;
import espgw.esp.InboundContext;
import espgw.sa.SaDatabase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UdpDecapsulationTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("10.0.0.160", 4500);
    private final CountingDropRecorder drops = new CountingDropRecorder();
    /** What the UDP channel reports as the sender of the datagram being passed on. */
    private InetSocketAddress sender = PEER;
    private final List<String> ikeReceived = new ArrayList<>();
    /** Records what reaches IKE, and releases it as the real sessions do. */
    private final IkeInbound ike = (message, sender, natTraversalPort) -> {
        ikeReceived.add(ByteBufUtil.hexDump(message) + " from " + sender + (natTraversalPort ? " on NAT-T" : ""));
        message.release();
    };

    @Test
    void espGoesOnAsThePayloadBufferFromTheSpiOn() {
        EmbeddedChannel channel = new EmbeddedChannel(new UdpDecapsulation(drops, ike, () -> sender));
        ByteBuf payload = datagram(0x00, 0x00, 0x10, 0x01, 0, 0, 0, 7);
        channel.writeInbound(payload);
        ByteBuf esp = channel.readInbound();
        assertSame(payload, esp, "the same buffer, no copy");
        assertEquals(0x1001, esp.getInt(esp.readerIndex()));
        esp.release();
        assertEquals(0, drops.total());
        channel.finishAndReleaseAll();
    }

    @Test
    void espFromAPortThePeersNatTranslatedGoesOnToo() {
        EmbeddedChannel channel = new EmbeddedChannel(new UdpDecapsulation(drops, ike, () -> sender));
        ByteBuf payload = datagram(0x00, 0x00, 0x10, 0x01, 0, 0, 0, 8);
        sender = new InetSocketAddress("10.0.0.160", 41234);
        channel.writeInbound(payload);
        ByteBuf esp = channel.readInbound();
        assertSame(payload, esp, "the SA it decrypts with names the peer, not the port");
        esp.release();
        assertEquals(0, drops.total());
        channel.finishAndReleaseAll();
    }

    @Test
    void keepalivesAreCountedAndIkeGoesToIkeWithoutTheNonEspMarker() {
        EmbeddedChannel channel = new EmbeddedChannel(new UdpDecapsulation(drops, ike, () -> sender));
        ByteBuf keepalive = datagram(0xFF);
        ByteBuf message = datagram(0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8);
        channel.writeInbound(keepalive, message);
        assertNull(channel.readInbound());
        assertEquals(0, keepalive.refCnt());
        assertEquals(0, message.refCnt());
        assertEquals(1, drops.count(DropReason.NAT_KEEPALIVE));
        assertEquals(1, drops.total());
        assertEquals(List.of("0102030405060708 from " + PEER + " on NAT-T"), ikeReceived);
        channel.finishAndReleaseAll();
    }

    @Test
    void malformedEspIsLeftToEspInboundWhichCountsIt() {
        EmbeddedChannel channel = new EmbeddedChannel(new UdpDecapsulation(drops, ike, () -> sender),
                new EspInbound(new SaDatabase(), new InboundContext(), drops));
        channel.writeInbound(datagram(0x12, 0x34), datagram(new byte[60], 0x00, 0x00, 0x77, 0x77));
        assertNull(channel.readInbound());
        assertEquals(1, drops.count(DropReason.MALFORMED), drops.toString());
        assertEquals(1, drops.count(DropReason.NO_SA), "an unknown SPI: " + drops);
        channel.finishAndReleaseAll();
    }

    @Test
    void otherMessagesPassUntouched() {
        EmbeddedChannel channel = new EmbeddedChannel(new UdpDecapsulation(drops, ike, () -> sender));
        channel.writeInbound("not a datagram");
        assertEquals("not a datagram", channel.readInbound());
        channel.finishAndReleaseAll();
    }

    private static ByteBuf datagram(int... octets) {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer();
        for (int octet : octets) {
            buf.writeByte(octet);
        }
        return buf;
    }

    /** {@code head} octets first, then {@code tail} zero octets. */
    private static ByteBuf datagram(byte[] tail, int... head) {
        return datagram(head).writeBytes(tail);
    }
}
