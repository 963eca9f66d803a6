package espgw.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class EspHeaderTest {
    @Test
    void paddingEndsTheTrailerOnAFourOctetBoundary() {
        for (int payload = 0; payload < 64; payload++) {
            int pad = EspHeader.paddingLength(payload);
            assertEquals(0, (payload + pad + EspHeader.TRAILER_LENGTH) % 4, "payload " + payload);
            assertEquals(true, pad >= 0 && pad < 4, "minimal padding for " + payload);
        }
        assertEquals(34, EspHeader.MIN_PACKET_LENGTH, "SPI, sequence, IV, trailer, ICV");
        assertEquals(21, EspHeader.MAX_TRAILER_OVERHEAD);
    }

    @Test
    void accessorsReadAndWriteTheRfcLayout() {
        ByteBuf buf = Unpooled.buffer(24).writeZero(24);
        EspHeader.setSpi(buf, 4, 0xdeadbeef);
        EspHeader.setSequenceNumber(buf, 4, 0x1_8765_4321L);
        EspHeader.setIv(buf, 4, 0x0102030405060708L);
        assertEquals("00000000deadbeef876543210102030405060708", ByteBufUtil.hexDump(buf, 0, 20));
        assertEquals(0xdeadbeef, EspHeader.spi(buf, 4));
        assertEquals(0x8765_4321L, EspHeader.sequenceNumber(buf, 4), "only the low 32 bits travel");
        assertEquals(0x0102030405060708L, EspHeader.iv(buf, 4));
        buf.release();
    }
}
