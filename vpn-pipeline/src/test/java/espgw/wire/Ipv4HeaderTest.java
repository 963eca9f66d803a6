package espgw.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class Ipv4HeaderTest {
    private static final byte[] KNOWN = InternetChecksumTest.hex(
            "450000730000400040110000c0a80001c0a800c7");

    private static ByteBuf known(int offset) {
        ByteBuf buf = Unpooled.buffer(offset + 0x73);
        // Four bytes of link padding follow the datagram.
        buf.writeZero(offset).writeBytes(KNOWN).writeZero(0x73 - KNOWN.length + 4);
        buf.readerIndex(offset);
        return buf;
    }

    @Test
    void readsEveryFieldAtAnOffset() {
        ByteBuf buf = known(7);
        int ip = 7;
        assertEquals(4, Ipv4Header.version(buf, ip));
        assertEquals(5, Ipv4Header.ihl(buf, ip));
        assertEquals(20, Ipv4Header.headerLength(buf, ip));
        assertEquals(0x73, Ipv4Header.totalLength(buf, ip));
        assertEquals(0, Ipv4Header.identification(buf, ip));
        assertTrue(Ipv4Header.dontFragment(buf, ip));
        assertFalse(Ipv4Header.moreFragments(buf, ip));
        assertEquals(0, Ipv4Header.fragmentOffset(buf, ip));
        assertEquals(64, Ipv4Header.timeToLive(buf, ip));
        assertEquals(Ipv4Header.PROTOCOL_UDP, Ipv4Header.protocol(buf, ip));
        assertEquals(0xc0a80001, Ipv4Header.sourceAddress(buf, ip));
        assertEquals(0xc0a800c7, Ipv4Header.destinationAddress(buf, ip));
        Ipv4Header.fillHeaderChecksum(buf, ip);
        assertEquals(0xb861, Ipv4Header.headerChecksum(buf, ip));
        assertTrue(Ipv4Header.isWellFormed(buf, ip, buf.readableBytes()));
        buf.release();
    }

    @Test
    void fragmentFields() {
        ByteBuf buf = known(0);
        buf.setShort(Ipv4Header.FLAGS_FRAGMENT_OFFSET_OFFSET, Ipv4Header.FLAG_MF | 185);
        assertFalse(Ipv4Header.dontFragment(buf, 0));
        assertTrue(Ipv4Header.moreFragments(buf, 0));
        assertEquals(185, Ipv4Header.fragmentOffset(buf, 0));
        assertFalse(Ipv4Header.carriesTransportHeader(buf, 0));
        buf.release();
    }

    @Test
    void rejectsWhatIsNotAWholeDatagram() {
        ByteBuf buf = known(0);
        assertTrue(Ipv4Header.isWellFormed(buf, 0, 0x73));
        assertTrue(Ipv4Header.isWellFormed(buf, 0, 0x77), "trailing bytes are tolerated");
        assertFalse(Ipv4Header.isWellFormed(buf, 0, 0x72), "total length beyond the data");
        assertFalse(Ipv4Header.isWellFormed(buf, 0, 19), "shorter than a header");
        buf.setByte(0, 0x65);
        assertFalse(Ipv4Header.isWellFormed(buf, 0, 0x73), "version 6");
        buf.setByte(0, 0x44);
        assertFalse(Ipv4Header.isWellFormed(buf, 0, 0x73), "IHL 4");
        buf.setByte(0, 0x45);
        buf.setShort(Ipv4Header.TOTAL_LENGTH_OFFSET, 19);
        assertFalse(Ipv4Header.isWellFormed(buf, 0, 0x73), "total length below the header");
        buf.setShort(Ipv4Header.TOTAL_LENGTH_OFFSET, 0x73);
        buf.setByte(0, 0x4F);
        assertTrue(Ipv4Header.isWellFormed(buf, 0, 0x73), "60-byte header with options");
        buf.setShort(Ipv4Header.TOTAL_LENGTH_OFFSET, 59);
        assertFalse(Ipv4Header.isWellFormed(buf, 0, 0x73), "options beyond the total length");
        buf.release();
    }
}
