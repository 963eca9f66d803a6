package espgw.nat;

import espgw.drop.CountingDropRecorder;
import static espgw.nat.NatTesting.CLIENT;
import static espgw.nat.NatTesting.OFFSET;
import static espgw.nat.NatTesting.SERVER;
import static espgw.nat.NatTesting.SERVER_FAKE;
import static espgw.nat.NatTesting.passThrough;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import espgw.wire.Ipv4Header;
import espgw.wire.TestDatagram;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's scenario 2 packet walk through all four translations, with the ESP tunnel between
 * them left out: client 10.0.0.161 talks to the service on 10.0.0.160 on the same subnet.
 */
class AddressTranslationWalkTest {
    private static final Object CLIENT_SA = "sa-of-10.0.0.161";
    private static final int CLIENT_FAKE_ON_SERVER = Ipv4Prefix.parseAddress("100.64.0.1");

    private final CountingDropRecorder drops = new CountingDropRecorder();
    private final ClientAddressPool pool = new ClientAddressPool(Ipv4Prefix.parse("100.64.0.0/16"));
    private Object tag;
    private final EmbeddedChannel clientOut = new EmbeddedChannel(new AddressDeOffset(OFFSET, drops));
    private final EmbeddedChannel serverIn =
            new EmbeddedChannel(new ClientSourceMapping(pool, ctx -> CLIENT_SA, drops));
    private final EmbeddedChannel serverOut =
            new EmbeddedChannel(new ClientDestinationMapping(pool, key -> tag = key, drops));
    private final EmbeddedChannel clientIn =
            new EmbeddedChannel(new ConntrackSourceRestore(OFFSET, drops));

    @AfterEach
    void nothingLeftBehind() {
        assertFalse(clientOut.finishAndReleaseAll());
        assertFalse(serverIn.finishAndReleaseAll());
        assertFalse(serverOut.finishAndReleaseAll());
        assertFalse(clientIn.finishAndReleaseAll());
    }

    private static TestDatagram udp(int source, int destination, int sourcePort, int destinationPort) {
        return new TestDatagram(Ipv4Header.PROTOCOL_UDP, source, destination,
                TestDatagram.udp(sourcePort, destinationPort, new byte[] {'p', 'i', 'n', 'g'}));
    }

    @Test
    void requestAndReplyRoundTrip() {
        // 1. netfilter DNATed the application's datagram to the fake address; the TUN hands it over.
        byte[] fromTun = udp(CLIENT, SERVER_FAKE, 5000, 7).build();
        // 2. The client daemon restores the real destination before encapsulation.
        byte[] sealed = passThrough(clientOut, fromTun);
        assertArrayEquals(udp(CLIENT, SERVER, 5000, 7).build(), sealed);
        // 4. The server daemon gives the client's datagram the client's fake source.
        byte[] toService = passThrough(serverIn, sealed);
        assertArrayEquals(udp(CLIENT_FAKE_ON_SERVER, SERVER, 5000, 7).build(), toService);
        // The service replies to the fake address; the route takes it into the server's TUN.
        byte[] reply = udp(SERVER, CLIENT_FAKE_ON_SERVER, 7, 5000).build();
        // 5. The server daemon restores the client's address and names its SA.
        byte[] sealedReply = passThrough(serverOut, reply);
        assertArrayEquals(udp(SERVER, CLIENT, 7, 5000).build(), sealedReply);
        assertEquals(CLIENT_SA, tag);
        // 6. The client daemon gives the reply the fake source conntrack expects.
        byte[] toApplication = passThrough(clientIn, sealedReply);
        assertArrayEquals(udp(SERVER_FAKE, CLIENT, 7, 5000).build(), toApplication);
        assertEquals(0, drops.total());
    }
}
