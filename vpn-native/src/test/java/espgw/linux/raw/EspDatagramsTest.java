package espgw.linux.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class EspDatagramsTest {
    private static final int SOURCE = EspTestPackets.address(192, 168, 77, 1);
    private static final int DESTINATION = EspTestPackets.address(192, 168, 77, 2);

    @Test
    void readsTheHeaderFieldsRelativeToTheReaderIndex() {
        ByteBuf packet = Unpooled.directBuffer(64).writeBytes(new byte[3]);
        packet.readerIndex(3);
        ByteBuf whole = EspTestPackets.packet(UnpooledByteBufAllocator.DEFAULT, SOURCE, DESTINATION,
                EspTestPackets.esp(0x1234, 7, 30));
        packet.writeBytes(whole);
        whole.release();
        try {
            assertEquals(SOURCE, EspDatagrams.sourceAddress(packet));
            assertEquals(DESTINATION, EspDatagrams.destinationAddress(packet));
            assertEquals(20, EspDatagrams.headerLength(packet));
            assertEquals(50, EspDatagrams.totalLength(packet));
            assertEquals(0x1234, packet.getInt(packet.readerIndex() + EspDatagrams.headerLength(packet)));
        } finally {
            packet.release();
        }
    }

    @Test
    void headerLengthCountsIpOptions() {
        ByteBuf packet = Unpooled.directBuffer(24).writeByte(0x46).writeZero(23);
        try {
            assertEquals(24, EspDatagrams.headerLength(packet));
        } finally {
            packet.release();
        }
    }
}
