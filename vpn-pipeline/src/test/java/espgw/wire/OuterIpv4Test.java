package espgw.wire;

import static espgw.wire.TestDatagram.HEADROOM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OuterIpv4Test {
    private static final int LOCAL = 0x0A0000A1; // 10.0.0.161
    private static final int PEER = 0x0A0000A0; // 10.0.0.160
    private static final byte[] ESP = {0, 0, 0x10, 0x01, 0, 0, 0, 1, 9, 9, 9, 9, 9};

    @Test
    void prependsIntoTheHeadroom() {
        ByteBuf packet = TestDatagram.buffer(ESP);
        new OuterIpv4(true).prepend(packet, LOCAL, PEER);
        assertEquals(HEADROOM - 20, packet.readerIndex());
        byte[] bytes = TestDatagram.bytesAndRelease(packet);
        assertEquals(20 + ESP.length, bytes.length);
        assertArrayEquals(ESP, Arrays.copyOfRange(bytes, 20, bytes.length));
        ByteBuf header = Unpooled.wrappedBuffer(bytes);
        assertEquals(4, Ipv4Header.version(header, 0));
        assertEquals(5, Ipv4Header.ihl(header, 0));
        assertEquals(20 + ESP.length, Ipv4Header.totalLength(header, 0));
        assertTrue(Ipv4Header.dontFragment(header, 0));
        assertEquals(0, Ipv4Header.fragmentOffset(header, 0));
        assertEquals(64, Ipv4Header.timeToLive(header, 0));
        assertEquals(Ipv4Header.PROTOCOL_ESP, Ipv4Header.protocol(header, 0));
        assertEquals(LOCAL, Ipv4Header.sourceAddress(header, 0));
        assertEquals(PEER, Ipv4Header.destinationAddress(header, 0));
        assertEquals(0xFFFF, ReferenceChecksum.sum(bytes, 0, 20, 0), "header checksum");
    }

    @Test
    void dontFragmentFollowsTheConfigurationAndIdentificationCounts() {
        OuterIpv4 outer = new OuterIpv4(false);
        ByteBuf first = TestDatagram.buffer(ESP);
        ByteBuf second = TestDatagram.buffer(ESP);
        outer.prepend(first, LOCAL, PEER);
        outer.prepend(second, LOCAL, PEER);
        assertFalse(Ipv4Header.dontFragment(first, first.readerIndex()));
        assertEquals(Ipv4Header.identification(first, first.readerIndex()) + 1,
                Ipv4Header.identification(second, second.readerIndex()));
        first.release();
        second.release();
    }

    @Test
    void refusesABufferWithoutHeadroom() {
        ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(64).writeZero(19).writeBytes(ESP);
        packet.readerIndex(19);
        try {
            assertThrows(IllegalArgumentException.class,
                    () -> new OuterIpv4(true).prepend(packet, LOCAL, PEER));
            assertEquals(19, packet.readerIndex());
        } finally {
            packet.release();
        }
    }

    @Test
    void refusesADatagramOverTheMaximumLength() {
        ByteBuf packet = PooledByteBufAllocator.DEFAULT.directBuffer(HEADROOM + 65516);
        packet.writerIndex(HEADROOM + 65516).readerIndex(HEADROOM);
        try {
            assertThrows(IllegalArgumentException.class,
                    () -> new OuterIpv4(true).prepend(packet, LOCAL, PEER));
        } finally {
            packet.release();
        }
    }

    @Test
    void stripsAValidatedHeaderWithOptionsAndTrailingBytes() {
        TestDatagram outer = new TestDatagram(Ipv4Header.PROTOCOL_ESP, PEER, LOCAL, ESP);
        outer.options = new byte[] {1, 1, 1, 0};
        byte[] padded = Arrays.copyOf(outer.build(), 24 + ESP.length + 3);
        ByteBuf packet = TestDatagram.buffer(padded);
        assertTrue(OuterIpv4.isValidEsp(packet));
        assertEquals(PEER, OuterIpv4.strip(packet));
        assertArrayEquals(ESP, TestDatagram.bytesAndRelease(packet));
    }

    @Test
    void rejectsWhatIsNotAWholeEspDatagram() {
        byte[] esp = new TestDatagram(Ipv4Header.PROTOCOL_ESP, PEER, LOCAL, ESP).build();
        assertTrue(valid(esp));
        assertFalse(valid(new TestDatagram(Ipv4Header.PROTOCOL_UDP, PEER, LOCAL, ESP).build()),
                "not ESP");
        assertFalse(valid(Arrays.copyOf(esp, esp.length - 1)), "shorter than its total length");
        assertFalse(valid(Arrays.copyOf(esp, 19)), "shorter than a header");
        byte[] version6 = esp.clone();
        version6[0] = 0x65;
        assertFalse(valid(version6), "version 6");
        byte[] ihl4 = esp.clone();
        ihl4[0] = 0x44;
        assertFalse(valid(ihl4), "IHL 4");
    }

    private static boolean valid(byte[] packet) {
        ByteBuf buf = TestDatagram.buffer(packet);
        try {
            return OuterIpv4.isValidEsp(buf);
        } finally {
            buf.release();
        }
    }
}
