package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import espgw.testing.LeakCheckExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every inbound ESP SPI an end negotiates comes from its {@link InboundSpiSource}: the initiator's
 * and the responder's first CHILD SA, and the new pair of a CHILD SA rekey on either side.
 */
@ExtendWith(LeakCheckExtension.class)
class InboundSpiSourceTest {
    private static final IkeLifetimes NO_TIMERS =
            new IkeLifetimes(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);

    @Test
    void bothEndsTakeTheSpisOfTheirFirstAndRekeyedChildSasFromTheirSource() {
        int[] initiatorNext = {0x1000_0001};
        int[] responderNext = {0x2000_0001};
        IkePeers peers = new IkePeers(
                IkePeers.initiatorConfig().withLifetimes(NO_TIMERS).withInboundSpis(random -> initiatorNext[0]++),
                IkePeers.responderConfig().withLifetimes(NO_TIMERS).withInboundSpis(random -> responderNext[0]++));
        peers.run();
        assertEquals(0x1000_0001, peers.initiator.childSa().orElseThrow().inboundSpi());
        assertEquals(0x2000_0001, peers.responder.childSa().orElseThrow().inboundSpi());

        peers.exchange(peers.initiatorSa().rekeyChild(), List.of(), datagram -> datagram);
        assertEquals(0x1000_0002, peers.initiatorSa().childSas().get(0).inboundSpi(), "the initiator's rekey");
        assertEquals(0x2000_0002, peers.responderSa().childSas().get(0).inboundSpi(), "its answer");

        peers.exchange(List.of(), peers.responderSa().rekeyChild(), datagram -> datagram);
        assertEquals(0x2000_0003, peers.responderSa().childSas().get(0).inboundSpi(), "the responder's rekey");
        assertEquals(0x1000_0003, peers.initiatorSa().childSas().get(0).inboundSpi(), "its answer");
    }
}
