package espgw.nat;

import espgw.drop.DropRecorder;
import espgw.drop.DropReason;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import espgw.wire.TestDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

/** Shared pieces of the translation handler tests. */
final class NatTesting {
    static final int CLIENT = 0x0A0000A1; // 10.0.0.161
    static final int SERVER = 0x0A0000A0; // 10.0.0.160
    static final int SERVER_FAKE = 0x0A0001A0; // 10.0.1.160
    static final int ELSEWHERE = 0x0A010205; // 10.1.2.5

    static final AddressOffset OFFSET =
            new AddressOffset(Ipv4Prefix.parse("10.0.0.0/24"), Ipv4Prefix.parse("10.0.1.0/24"));

    private NatTesting() {
    }

    /**
     * Feeds one packet (in a pooled direct buffer with headroom) and returns the packet passed
     * on, with every checksum verified by full recomputation; the emitted buffer is released.
     */
    static byte[] passThrough(EmbeddedChannel channel, byte[] packet) {
        channel.writeInbound(TestDatagram.buffer(packet));
        ByteBuf out = channel.readInbound();
        assertNotNull(out, "the packet was not passed on");
        byte[] bytes = TestDatagram.bytesAndRelease(out);
        TestDatagram.assertChecksumsValid(bytes);
        return bytes;
    }

    /** Feeds one packet that must be dropped and checks its buffer was released. */
    static void assertDropped(EmbeddedChannel channel, byte[] packet) {
        ByteBuf buf = TestDatagram.buffer(packet);
        channel.writeInbound(buf);
        assertNull(channel.readInbound(), "a dropped packet was passed on");
        assertEquals(0, buf.refCnt(), "a dropped packet was not released");
    }
}
