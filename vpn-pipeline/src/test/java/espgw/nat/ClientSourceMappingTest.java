package espgw.nat;

import espgw.drop.CountingDropRecorder;
import espgw.drop.DropReason;
import static espgw.nat.NatTesting.assertDropped;
import static espgw.nat.NatTesting.passThrough;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

class ClientSourceMappingTest {
    private static final int ALICE = 0x0A0000A1; // 10.0.0.161
    private static final int BOB = 0x0A0000A2; // 10.0.0.162
    private static final int SERVICE = 0x0A0000A0; // 10.0.0.160
    private static final int FAKE_1 = Ipv4Prefix.parseAddress("100.64.0.1");
    private static final int FAKE_2 = Ipv4Prefix.parseAddress("100.64.0.2");

    private final CountingDropRecorder drops = new CountingDropRecorder();
    private final ClientAddressPool pool = new ClientAddressPool(Ipv4Prefix.parse("100.64.0.0/30"));
    /** What the ESP core would say about the packet being read. */
    private Object currentClient;
    private final EmbeddedChannel channel =
            new EmbeddedChannel(new ClientSourceMapping(pool, ctx -> currentClient, drops));

    @AfterEach
    void nothingLeftBehind() {
        assertFalse(channel.finishAndReleaseAll());
    }

    private static TestDatagram request(int source) {
        return new TestDatagram(Ipv4Header.PROTOCOL_TCP, source, SERVICE,
                TestDatagram.tcp(40000, 80, new byte[] {'G', 'E', 'T'}));
    }

    private byte[] from(Object client, byte[] packet) {
        currentClient = client;
        return passThrough(channel, packet);
    }

    @Test
    void eachClientGetsItsOwnStableFakeSource() {
        TestDatagram alice = request(ALICE);
        TestDatagram bob = request(BOB);
        byte[] first = from("alice", alice.build());
        byte[] second = from("bob", bob.build());
        byte[] again = from("alice", alice.build());
        alice.source = FAKE_1;
        bob.source = FAKE_2;
        assertArrayEquals(alice.build(), first);
        assertArrayEquals(bob.build(), second);
        assertArrayEquals(alice.build(), again);
        assertEquals(2, pool.size());
    }

    @Test
    void sameInnerAddressBehindTwoClientsIsToldApart() {
        TestDatagram packet = request(ALICE);
        byte[] first = from("laptop", packet.build());
        byte[] second = from("phone", packet.build());
        assertEquals(FAKE_1, Ipv4Header.sourceAddress(Unpooled.wrappedBuffer(first), 0));
        assertEquals(FAKE_2, Ipv4Header.sourceAddress(Unpooled.wrappedBuffer(second), 0));
    }

    @Test
    void icmpErrorFromAClientTranslatesTheEmbeddedDestination() {
        from("alice", request(ALICE).build());
        byte[] reply = Arrays.copyOf(new TestDatagram(Ipv4Header.PROTOCOL_UDP, SERVICE, ALICE,
                TestDatagram.udp(53, 5000, new byte[] {1, 2, 3})).build(), 28);
        byte[] asService = Arrays.copyOf(new TestDatagram(Ipv4Header.PROTOCOL_UDP, SERVICE, FAKE_1,
                TestDatagram.udp(53, 5000, new byte[] {1, 2, 3})).build(), 28);
        TestDatagram error = new TestDatagram(Ipv4Header.PROTOCOL_ICMP, ALICE, SERVICE,
                TestDatagram.icmpError(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, reply));
        byte[] out = from("alice", error.build());
        error.source = FAKE_1;
        error.payload = TestDatagram.icmpError(IcmpHeader.TYPE_DESTINATION_UNREACHABLE, 3, asService);
        assertArrayEquals(error.build(), out);
    }

    @Test
    void poolExhaustionDropsAndCounts() {
        from("alice", request(ALICE).build());
        from("bob", request(BOB).build());
        currentClient = "carol";
        assertDropped(channel, request(0x0A0000A3).build());
        assertDropped(channel, request(0x0A0000A3).build());
        assertEquals(2, drops.count(DropReason.POOL_EXHAUSTED));
        pool.release("bob");
        from("carol", request(0x0A0000A3).build());
    }

    @Test
    void eachInnerSourceOfOneClientGetsItsOwnFakeAddress() {
        from("alice", request(ALICE).build());
        from("alice", request(BOB).build());
        ClientAddressPool.Binding first = pool.bindingOf("alice", ALICE);
        ClientAddressPool.Binding second = pool.bindingOf("alice", BOB);
        assertNotEquals(first.fakeAddress(), second.fakeAddress());
        assertEquals(2, pool.size());
        pool.release("alice");
        assertEquals(0, pool.size());
    }

    @Test
    void malformedPacketsAreDroppedBeforeAnyMappingIsMade() {
        currentClient = "alice";
        assertDropped(channel, Arrays.copyOf(request(ALICE).build(), 30));
        assertDropped(channel, new TestDatagram(Ipv4Header.PROTOCOL_ICMP, ALICE, SERVICE,
                new byte[3]).build());
        assertEquals(2, drops.count(DropReason.MALFORMED));
        assertEquals(0, pool.size());
    }

    @Test
    void aPacketWithoutAClientIsAWiringBugAndStillReleased() {
        currentClient = null;
        ByteBuf packet = TestDatagram.buffer(request(ALICE).build());
        assertThrows(IllegalStateException.class, () -> channel.writeInbound(packet));
        assertEquals(0, packet.refCnt());
    }
}
