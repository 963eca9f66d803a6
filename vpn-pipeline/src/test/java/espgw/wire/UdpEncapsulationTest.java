package espgw.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class UdpEncapsulationTest {
    @Test
    void theFirstOctetsTellEspIkeAndKeepaliveApart() {
        assertEquals(UdpEncapsulation.Kind.NAT_KEEPALIVE, kind(0xFF));
        assertEquals(UdpEncapsulation.Kind.IKE, kind(0, 0, 0, 0, 0x12, 0x34));
        assertEquals(UdpEncapsulation.Kind.IKE, kind(0, 0, 0, 0), "a bare Non-ESP Marker is still not ESP");
        assertEquals(UdpEncapsulation.Kind.ESP, kind(0, 0, 0x10, 0x01, 0, 0, 0, 1));
        assertEquals(UdpEncapsulation.Kind.ESP, kind(0xFF, 0xFF), "0xFF is a keepalive only alone");
        assertEquals(UdpEncapsulation.Kind.ESP, kind(0xFE), "anything else short is left to ESP to reject");
    }

    @Test
    void aKeepaliveIsTheOneOctet0xFfAtTheIndexGiven() {
        ByteBuf buf = Unpooled.buffer().writeZero(3);
        buf.readerIndex(3);
        UdpEncapsulation.writeNatKeepalive(buf);
        assertEquals(1, buf.readableBytes());
        assertEquals(0xFF, buf.getUnsignedByte(3));
        assertEquals(UdpEncapsulation.Kind.NAT_KEEPALIVE, UdpEncapsulation.kind(buf, 3, 1));
        assertEquals(UdpEncapsulation.Kind.ESP, UdpEncapsulation.kind(buf, 0, 4), "index is honoured");
        buf.release();
    }

    @Test
    void portAndOverheadAreTheRfcValues() {
        assertEquals(4500, UdpEncapsulation.NAT_T_PORT);
        assertEquals(8, UdpEncapsulation.OVERHEAD);
        assertEquals(20, UdpEncapsulation.DEFAULT_NAT_KEEPALIVE_SECONDS);
    }

    private static UdpEncapsulation.Kind kind(int... octets) {
        ByteBuf buf = Unpooled.buffer();
        for (int octet : octets) {
            buf.writeByte(octet);
        }
        try {
            return UdpEncapsulation.kind(buf, buf.readerIndex(), buf.readableBytes());
        } finally {
            buf.release();
        }
    }
}
