package espgw.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import espgw.crypto.AeadAlgorithm;
import espgw.crypto.JceAead;
import espgw.esp.OutboundSaSelector;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SaDatabaseTest {
    private final SaDatabase database = new SaDatabase();

    @Test
    void inboundBySpiOutboundByPeer() throws Exception {
        SecurityAssociation in1 = sa(0x1001, Direction.INBOUND, "10.0.0.2");
        SecurityAssociation in2 = sa(0xFFFF_FFFF, Direction.INBOUND, "10.0.0.3");
        SecurityAssociation out = sa(0x2001, Direction.OUTBOUND, "10.0.0.2");
        database.install(in1);
        database.install(in2);
        database.install(out);
        assertSame(in1, database.inbound(0x1001));
        assertSame(in2, database.inbound(0xFFFF_FFFF));
        assertNull(database.inbound(0x2001), "outbound SPIs are not inbound ones");
        assertSame(out, database.outbound(0x0A00_0002));
        assertNull(database.outbound(0x0A00_0003));
    }

    @Test
    void rekeyReplacesOutboundAndKeepsTheOldInboundUntilRemoved() throws Exception {
        SecurityAssociation oldIn = sa(0x1001, Direction.INBOUND, "10.0.0.2");
        SecurityAssociation newIn = sa(0x1002, Direction.INBOUND, "10.0.0.2");
        SecurityAssociation oldOut = sa(0x2001, Direction.OUTBOUND, "10.0.0.2");
        SecurityAssociation newOut = sa(0x2002, Direction.OUTBOUND, "10.0.0.2");
        database.install(oldIn);
        database.install(oldOut);
        database.install(newIn);
        database.install(newOut);
        assertSame(newOut, database.outbound(0x0A00_0002));
        assertSame(oldIn, database.inbound(0x1001));
        database.remove(oldOut);
        assertSame(newOut, database.outbound(0x0A00_0002), "removing a replaced SA removes nothing");
        database.remove(oldIn);
        assertNull(database.inbound(0x1001));
        assertSame(newIn, database.inbound(0x1002));
    }

    @Test
    void manyInstallsStayFindable() throws Exception {
        for (int spi = 0x100; spi < 0x100 + 500; spi++) {
            database.install(sa(spi, Direction.INBOUND, "10.0.0.2"));
        }
        for (int spi = 0x100; spi < 0x100 + 500; spi++) {
            assertEquals(spi, database.inbound(spi).spi());
        }
    }

    @Test
    void selectorByInnerDestination() throws Exception {
        SecurityAssociation out = sa(0x2001, Direction.OUTBOUND, "10.0.0.160");
        database.install(out);
        OutboundSaSelector selector = OutboundSaSelector.byDestination(database);
        ByteBuf packet = Unpooled.buffer().writeBytes(new byte[16]).writeBytes(new byte[] {10, 0, 0, (byte) 160})
                .writeBytes(new byte[8]);
        packet.readerIndex(0);
        assertSame(out, selector.select(packet));
        packet.setByte(19, 161);
        assertNull(selector.select(packet));
        assertNull(selector.select(packet.slice(0, 19)), "shorter than an IPv4 header");
        packet.release();
    }

    @Test
    void outboundNeedsAPeer() {
        SecurityAssociation noPeer = SecurityAssociation.builder(0x2001, Direction.OUTBOUND,
                new JceAead(AeadAlgorithm.AES_GCM_128, new byte[20])).sequenceStore(new MemorySequenceStore()).build();
        assertThrows(IllegalArgumentException.class, () -> database.install(noPeer));
    }

    private static SecurityAssociation sa(int spi, Direction direction, String peer) throws Exception {
        return SecurityAssociation.builder(spi, direction, new JceAead(AeadAlgorithm.AES_GCM_128, new byte[20]))
                .addresses((Inet4Address) InetAddress.getByName("10.0.0.1"), (Inet4Address) InetAddress.getByName(peer))
                .sequenceStore(new MemorySequenceStore()).build();
    }
}
