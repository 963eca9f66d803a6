package espgw.nat;

import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import static espgw.nat.NatTesting.CLIENT;
import static espgw.nat.NatTesting.ELSEWHERE;
import static espgw.nat.NatTesting.OFFSET;
import static espgw.nat.NatTesting.SERVER;
import static espgw.nat.NatTesting.SERVER_FAKE;
import static espgw.nat.NatTesting.assertDropped;
import static espgw.nat.NatTesting.passThrough;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import espgw.wire.IcmpHeader;
import espgw.wire.Ipv4Header;
import espgw.wire.TestDatagram;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AddressDeOffsetTest {
    private final CountingDropRecorder drops = new CountingDropRecorder();
    private final EmbeddedChannel channel = new EmbeddedChannel(new AddressDeOffset(OFFSET, drops));

    @AfterEach
    void nothingLeftBehind() {
        assertFalse(channel.finishAndReleaseAll());
    }

    private static TestDatagram tcp(int destination) {
        return new TestDatagram(Ipv4Header.PROTOCOL_TCP, CLIENT, destination,
                TestDatagram.tcp(40000, 22, new byte[] {1, 2, 3}));
    }

    @Test
    void restoresTheRealDestinationOfAFakeOne() {
        TestDatagram packet = tcp(SERVER_FAKE);
        byte[] out = passThrough(channel, packet.build());
        packet.destination = SERVER;
        assertArrayEquals(packet.build(), out);
        assertEquals(0, drops.total());
    }

    @Test
    void leavesOtherDestinationsUntouched() {
        byte[] offSubnet = tcp(ELSEWHERE).build();
        assertArrayEquals(offSubnet, passThrough(channel, offSubnet));
        byte[] alreadyReal = tcp(SERVER).build();
        assertArrayEquals(alreadyReal, passThrough(channel, alreadyReal));
    }

    @Test
    void udpWithoutChecksumAndHeaderOptions() {
        TestDatagram udp = new TestDatagram(Ipv4Header.PROTOCOL_UDP, CLIENT, SERVER_FAKE,
                TestDatagram.udp(5000, 53, new byte[] {7, 7, 7}));
        udp.keepChecksum = true;
        udp.options = new byte[] {1, 1, 1, 0, 1, 1, 1, 0};
        byte[] out = passThrough(channel, udp.build());
        udp.destination = SERVER;
        assertArrayEquals(udp.build(), out);
        assertEquals(0, out[28 + 6] | out[28 + 7]);
    }

    @Test
    void laterFragmentGetsOnlyTheIpHeaderFixed() {
        TestDatagram fragment = new TestDatagram(Ipv4Header.PROTOCOL_UDP, CLIENT, SERVER_FAKE, new byte[24]);
        fragment.fragmentOffset = 3;
        byte[] out = passThrough(channel, fragment.build());
        fragment.destination = SERVER;
        assertArrayEquals(fragment.build(), out);
    }

    @Test
    void icmpEchoRequest() {
        TestDatagram echo = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, CLIENT, SERVER_FAKE,
                TestDatagram.icmpEcho(1, 1, new byte[] {1, 2, 3, 4}));
        byte[] out = passThrough(channel, echo.build());
        echo.destination = SERVER;
        assertArrayEquals(echo.build(), out);
    }

    @Test
    void icmpErrorToTheFakePeerRestoresTheEmbeddedSource() {
        // The client's kernel answers the server's datagram (seen as from the fake address).
        byte[] seen = new TestDatagram(Ipv4Header.PROTOCOL_UDP, SERVER_FAKE, CLIENT,
                TestDatagram.udp(53, 5000, new byte[] {1})).build();
        byte[] real = new TestDatagram(Ipv4Header.PROTOCOL_UDP, SERVER, CLIENT,
                TestDatagram.udp(53, 5000, new byte[] {1})).build();
        TestDatagram error = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, CLIENT, SERVER_FAKE,
                TestDatagram.icmpError(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, seen));
        byte[] out = passThrough(channel, error.build());
        error.destination = SERVER;
        error.payload = TestDatagram.icmpError(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, real);
        assertArrayEquals(error.build(), out);
    }

    @Test
    void malformedPacketsAreDroppedAndCounted() {
        byte[] good = tcp(SERVER_FAKE).build();
        assertDropped(channel, Arrays.copyOf(good, 10));
        assertDropped(channel, Arrays.copyOf(good, good.length - 1));
        byte[] version6 = good.clone();
        version6[0] = 0x60;
        assertDropped(channel, version6);
        assertDropped(channel, new TestDatagram(Ipv4Header.PROTOCOL_UDP, CLIENT, SERVER_FAKE,
                new byte[4]).build());
        assertEquals(4, drops.count(DropReason.MALFORMED));
        assertEquals(4, drops.total());
    }

    @Test
    void otherMessagesPassThrough() {
        Object event = "not a packet";
        channel.writeInbound(event);
        assertSame(event, channel.readInbound());
    }
}
