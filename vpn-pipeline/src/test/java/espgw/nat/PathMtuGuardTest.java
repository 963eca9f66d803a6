package espgw.nat;

import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import static espgw.nat.NatTesting.CLIENT;
import static espgw.nat.NatTesting.SERVER;
import static espgw.nat.NatTesting.assertDropped;
import static espgw.nat.NatTesting.passThrough;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import espgw.wire.IcmpHeader;
import espgw.wire.Ipv4Header;
import espgw.wire.TestDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PathMtuGuardTest {
    private static final int MTU = 1400;
    private static final int GATEWAY = 0x0A000101; // the TUN interface's address

    private final CountingDropRecorder drops = new CountingDropRecorder();
    private final EmbeddedChannel channel =
            new EmbeddedChannel(new PathMtuGuard(MTU, GATEWAY, drops));

    @AfterEach
    void nothingLeftBehind() {
        assertFalse(channel.finishAndReleaseAll());
    }

    private static TestDatagram tcp(int totalLength, boolean dontFragment) {
        byte[] data = new byte[totalLength - 40];
        Arrays.fill(data, (byte) 0x42);
        TestDatagram packet = new TestDatagram(Ipv4Header.PROTOCOL_TCP, CLIENT, SERVER,
                TestDatagram.tcp(40000, 443, data));
        packet.dontFragment = dontFragment;
        return packet;
    }

    /** The ICMP message written back toward the TUN, checksums verified; null if none. */
    private byte[] writtenBack() {
        ByteBuf icmp = channel.readOutbound();
        if (icmp == null) {
            return null;
        }
        byte[] bytes = TestDatagram.bytesAndRelease(icmp);
        TestDatagram.assertChecksumsValid(bytes);
        return bytes;
    }

    @Test
    void datagramsThatFitPass() {
        byte[] packet = tcp(MTU, true).build();
        assertArrayEquals(packet, passThrough(channel, packet));
        assertNull(writtenBack());
    }

    @Test
    void oversizedWithoutDontFragmentPasses() {
        byte[] packet = tcp(MTU + 1, false).build();
        assertArrayEquals(packet, passThrough(channel, packet));
        assertNull(writtenBack());
    }

    @Test
    void oversizedFragmentPasses() {
        TestDatagram fragment = tcp(MTU + 100, false);
        fragment.moreFragments = true;
        byte[] packet = fragment.build();
        assertArrayEquals(packet, passThrough(channel, packet));
        assertNull(writtenBack());
    }

    @Test
    void oversizedWithDontFragmentIsAnsweredWithFragmentationNeeded() {
        TestDatagram big = tcp(MTU + 1, true);
        big.options = new byte[] {1, 1, 1, 0};
        byte[] original = big.build();
        assertDropped(channel, original);
        assertEquals(1, drops.count(DropReason.MTU));

        byte[] icmp = writtenBack();
        assertNotNull(icmp, "no ICMP message went back");
        int quoted = 24 + 8; // the header with its options, and 64 bits of data (RFC 792)
        assertEquals(20 + 8 + quoted, icmp.length);
        ByteBuf header = Unpooled.wrappedBuffer(icmp);
        assertEquals(icmp.length, Ipv4Header.totalLength(header, 0));
        assertEquals(Ipv4Header.PROTOCOL_ICMP, Ipv4Header.protocol(header, 0));
        assertEquals(GATEWAY, Ipv4Header.sourceAddress(header, 0));
        assertEquals(CLIENT, Ipv4Header.destinationAddress(header, 0));
        assertEquals(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, icmp[20]);
        assertEquals(IcmpHeader.CODE_FRAGMENTATION_NEEDED, icmp[21]);
        assertEquals(0, header.getUnsignedShort(20 + 4), "unused");
        assertEquals(MTU, header.getUnsignedShort(20 + IcmpHeader.NEXT_HOP_MTU_OFFSET));
        assertArrayEquals(Arrays.copyOf(original, quoted), Arrays.copyOfRange(icmp, 28, icmp.length));
    }

    @Test
    void noErrorAboutAnIcmpError() {
        byte[] quoted = Arrays.copyOf(tcp(100, true).build(), 28);
        byte[] padded = Arrays.copyOf(quoted, MTU);
        TestDatagram error = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, CLIENT, SERVER,
                TestDatagram.icmpError(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, padded));
        error.dontFragment = true;
        assertDropped(channel, error.build());
        assertNull(writtenBack());
        assertEquals(1, drops.count(DropReason.MTU));
    }

    @Test
    void oversizedEchoWithDontFragmentIsAnswered() {
        TestDatagram ping = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, CLIENT, SERVER,
                TestDatagram.icmpEcho(1, 1, new byte[MTU]));
        ping.dontFragment = true;
        assertDropped(channel, ping.build());
        assertNotNull(writtenBack());
    }

    @Test
    void noErrorToASourceThatIsNotOneHost() {
        TestDatagram unspecified = tcp(MTU + 1, true);
        unspecified.source = 0;
        assertDropped(channel, unspecified.build());
        TestDatagram multicast = tcp(MTU + 1, true);
        multicast.source = 0xE0000001;
        assertDropped(channel, multicast.build());
        assertNull(writtenBack());
        assertEquals(2, drops.count(DropReason.MTU));
    }

    @Test
    void malformedPacketsAreDroppedAndCounted() {
        byte[] packet = tcp(100, true).build();
        assertDropped(channel, Arrays.copyOf(packet, 99));
        assertDropped(channel, Arrays.copyOf(packet, 12));
        assertEquals(2, drops.count(DropReason.MALFORMED));
        assertNull(writtenBack());
    }

    @Test
    void rejectsAnMtuBelowTheIpv4Minimum() {
        assertThrows(IllegalArgumentException.class, () -> new PathMtuGuard(67, GATEWAY, drops));
        assertThrows(IllegalArgumentException.class, () -> new PathMtuGuard(65536, GATEWAY, drops));
    }
}
