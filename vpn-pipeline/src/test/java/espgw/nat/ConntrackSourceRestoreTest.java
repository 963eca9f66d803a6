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

import espgw.wire.IcmpHeader;
import espgw.wire.Ipv4Header;
import espgw.wire.TestDatagram;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConntrackSourceRestoreTest {
    private final CountingDropRecorder drops = new CountingDropRecorder();
    private final EmbeddedChannel channel =
            new EmbeddedChannel(new ConntrackSourceRestore(OFFSET, drops));

    @AfterEach
    void nothingLeftBehind() {
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void replyFromASubnetPeerComesFromItsFakeAddress() {
        TestDatagram reply = new TestDatagram(Ipv4Header.PROTOCOL_TCP, SERVER, CLIENT,
                TestDatagram.tcp(22, 40000, new byte[] {'o', 'k'}));
        byte[] out = passThrough(channel, reply.build());
        reply.source = SERVER_FAKE;
        assertArrayEquals(reply.build(), out);
        assertEquals(0, drops.total());
    }

    @Test
    void replyFromOutsideTheSubnetIsUntouched() {
        byte[] reply = new TestDatagram(Ipv4Header.PROTOCOL_UDP, ELSEWHERE, CLIENT,
                TestDatagram.udp(53, 5000, new byte[] {1, 2})).build();
        assertArrayEquals(reply, passThrough(channel, reply));
    }

    @Test
    void icmpEchoReply() {
        byte[] echo = TestDatagram.icmpEcho(9, 3, new byte[] {5, 5, 5});
        echo[0] = 0; // echo reply
        TestDatagram reply = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, SERVER, CLIENT, echo);
        byte[] out = passThrough(channel, reply.build());
        reply.source = SERVER_FAKE;
        assertArrayEquals(reply.build(), out);
    }

    @Test
    void icmpErrorFromThePeerTranslatesTheEmbeddedDestination() {
        // The server rejects the client's TCP SYN; conntrack must see the DNATed tuple inside.
        byte[] sent = Arrays.copyOf(new TestDatagram(Ipv4Header.PROTOCOL_TCP, CLIENT, SERVER,
                TestDatagram.tcp(40000, 23, new byte[0])).build(), 28);
        byte[] asDnated = Arrays.copyOf(new TestDatagram(Ipv4Header.PROTOCOL_TCP, CLIENT, SERVER_FAKE,
                TestDatagram.tcp(40000, 23, new byte[0])).build(), 28);
        TestDatagram error = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, SERVER, CLIENT,
                TestDatagram.icmpError(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, sent));
        byte[] out = passThrough(channel, error.build());
        error.source = SERVER_FAKE;
        error.payload = TestDatagram.icmpError(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, asDnated);
        assertArrayEquals(error.build(), out);
    }

    @Test
    void laterFragmentOfAReply() {
        TestDatagram fragment = new TestDatagram(Ipv4Header.PROTOCOL_TCP, SERVER, CLIENT, new byte[16]);
        fragment.fragmentOffset = 100;
        byte[] out = passThrough(channel, fragment.build());
        fragment.source = SERVER_FAKE;
        assertArrayEquals(fragment.build(), out);
    }

    @Test
    void truncatedPacketsAreDroppedAndCounted() {
        byte[] reply = new TestDatagram(Ipv4Header.PROTOCOL_TCP, SERVER, CLIENT,
                TestDatagram.tcp(22, 40000, new byte[0])).build();
        assertDropped(channel, Arrays.copyOf(reply, 19));
        assertDropped(channel, new TestDatagram(Ipv4Header.PROTOCOL_TCP, SERVER, CLIENT,
                new byte[17]).build());
        byte[] quoted = Arrays.copyOf(reply, 12);
        assertDropped(channel, new TestDatagram(Ipv4Header.PROTOCOL_ICMP, SERVER, CLIENT,
                TestDatagram.icmpError(IcmpHeader.TYPE_TIME_EXCEEDED, 0, quoted)).build());
        assertEquals(3, drops.count(DropReason.MALFORMED));
    }
}
