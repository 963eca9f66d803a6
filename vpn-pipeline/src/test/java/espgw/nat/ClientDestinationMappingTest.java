package espgw.nat;

import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import static espgw.nat.NatTesting.assertDropped;
import static espgw.nat.NatTesting.passThrough;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import espgw.wire.IcmpHeader;
import espgw.wire.Ipv4Header;
import espgw.wire.TestDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientDestinationMappingTest {
    private static final int ALICE = 0x0A0000A1; // 10.0.0.161
    private static final int SERVICE = 0x0A0000A0; // 10.0.0.160
    private static final int FAKE_1 = Ipv4Prefix.parseAddress("100.64.0.1");
    private static final int FAKE_2 = Ipv4Prefix.parseAddress("100.64.0.2");

    private final CountingDropRecorder drops = new CountingDropRecorder();
    private final ClientAddressPool pool = new ClientAddressPool(Ipv4Prefix.parse("100.64.0.0/16"));
    /** The tag as the next handler (the ESP encryption) sees it while it reads each packet. */
    private final List<Object> tagsSeenDownstream = new ArrayList<>();
    private Object tag;
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new ClientDestinationMapping(pool, key -> tag = key, drops),
            new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    tagsSeenDownstream.add(tag);
                    ctx.fireChannelRead(msg);
                }
            });

    @AfterEach
    void nothingLeftBehind() {
        assertFalse(channel.finishAndReleaseAll());
    }

    private static TestDatagram reply(int destination) {
        return new TestDatagram(Ipv4Header.PROTOCOL_TCP, SERVICE, destination,
                TestDatagram.tcp(80, 40000, new byte[] {'2', '0', '0'}));
    }

    @Test
    void replyToAFakeAddressGoesToTheRealClientTaggedWithIt() {
        pool.bind("alice", ALICE);
        TestDatagram packet = reply(FAKE_1);
        byte[] out = passThrough(channel, packet.build());
        packet.destination = ALICE;
        assertArrayEquals(packet.build(), out);
        assertEquals(List.of("alice"), tagsSeenDownstream);
    }

    @Test
    void destinationOutsideThePoolPassesUntaggedAndUntouched() {
        pool.bind("alice", ALICE);
        tag = "stale";
        byte[] packet = reply(ALICE).build();
        assertArrayEquals(packet, passThrough(channel, packet));
        assertEquals(Arrays.asList((Object) null), tagsSeenDownstream);
    }

    @Test
    void fakeAddressWithoutAClientHasNoRoute() {
        pool.bind("alice", ALICE);
        assertDropped(channel, reply(FAKE_2).build());
        pool.release("alice");
        assertDropped(channel, reply(FAKE_1).build());
        assertEquals(2, drops.count(DropReason.NO_ROUTE));
        assertEquals(List.of(), tagsSeenDownstream);
    }

    @Test
    void icmpErrorAboutAClientsPacketRestoresTheEmbeddedSource() {
        pool.bind("alice", ALICE);
        byte[] seen = Arrays.copyOf(new TestDatagram(Ipv4Header.PROTOCOL_UDP, FAKE_1, SERVICE,
                TestDatagram.udp(5000, 9, new byte[] {4, 4})).build(), 28);
        byte[] real = Arrays.copyOf(new TestDatagram(Ipv4Header.PROTOCOL_UDP, ALICE, SERVICE,
                TestDatagram.udp(5000, 9, new byte[] {4, 4})).build(), 28);
        TestDatagram error = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, SERVICE, FAKE_1,
                TestDatagram.icmpError(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, seen));
        byte[] out = passThrough(channel, error.build());
        error.destination = ALICE;
        error.payload = TestDatagram.icmpError(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, real);
        assertArrayEquals(error.build(), out);
        assertEquals(List.of("alice"), tagsSeenDownstream);
    }

    @Test
    void udpWithoutChecksumAndALaterFragment() {
        pool.bind("alice", ALICE);
        TestDatagram udp = new TestDatagram(Ipv4Header.PROTOCOL_UDP, SERVICE, FAKE_1,
                TestDatagram.udp(53, 5000, new byte[] {1}));
        udp.keepChecksum = true;
        byte[] out = passThrough(channel, udp.build());
        udp.destination = ALICE;
        assertArrayEquals(udp.build(), out);
        TestDatagram fragment = new TestDatagram(Ipv4Header.PROTOCOL_UDP, SERVICE, FAKE_1, new byte[32]);
        fragment.fragmentOffset = 7;
        out = passThrough(channel, fragment.build());
        fragment.destination = ALICE;
        assertArrayEquals(fragment.build(), out);
    }

    @Test
    void malformedPacketsAreDroppedAndCounted() {
        pool.bind("alice", ALICE);
        assertDropped(channel, Arrays.copyOf(reply(FAKE_1).build(), 25));
        ByteBuf notIpv4 = TestDatagram.buffer(new byte[40]);
        channel.writeInbound(notIpv4);
        assertNull(channel.readInbound());
        assertEquals(0, notIpv4.refCnt());
        assertEquals(2, drops.count(DropReason.MALFORMED));
    }
}
