package espgw.ike.session;

import espgw.ike.message.IdPayload;
import espgw.ike.message.TrafficSelector;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Two espgw IKE ends joined in memory: every datagram one returns is handed to the other, with a
 * hook that may drop or alter it on the way, and a clock the test moves by hand.
 */
final class IkePeers {
    static final byte[] PSK = "correct horse battery staple".getBytes(StandardCharsets.US_ASCII);
    static final InetSocketAddress INITIATOR_ADDRESS = new InetSocketAddress("192.0.2.1", 500);
    static final InetSocketAddress RESPONDER_ADDRESS = new InetSocketAddress("192.0.2.2", 500);
    static final TrafficSelector INITIATOR_NET = TrafficSelector.ipv4Prefix(0x0a000100, 24);
    static final TrafficSelector RESPONDER_NET = TrafficSelector.ipv4Prefix(0x0a000200, 24);

    final long[] now = {0};
    final IkeInitiator initiator;
    final IkeResponder responder;
    /** Every datagram that crossed, in order: to the responder, then back, and so on. */
    final List<byte[]> wire = new ArrayList<>();

    IkePeers(IkeSessionConfig initiatorConfig, IkeSessionConfig responderConfig) {
        SecureRandom random = new SecureRandom();
        initiator = new IkeInitiator(initiatorConfig, random, () -> now[0]);
        responder = new IkeResponder(responderConfig, random, () -> now[0]);
    }

    IkePeers() {
        this(initiatorConfig(), responderConfig());
    }

    static IkeSessionConfig initiatorConfig() {
        return new IkeSessionConfig(IdPayload.fqdn(true, "client.espgw.test"), IdPayload.fqdn(false, "server.espgw.test"),
                PSK, IkeAlgorithms.defaults(), EspAlgorithms.defaults(), List.of(INITIATOR_NET), List.of(RESPONDER_NET),
                INITIATOR_ADDRESS, RESPONDER_ADDRESS);
    }

    static IkeSessionConfig responderConfig() {
        return new IkeSessionConfig(IdPayload.fqdn(false, "server.espgw.test"), IdPayload.fqdn(true, "client.espgw.test"),
                PSK, IkeAlgorithms.defaults(), EspAlgorithms.defaults(), List.of(RESPONDER_NET), List.of(INITIATOR_NET),
                RESPONDER_ADDRESS, INITIATOR_ADDRESS);
    }

    /** Starts the initiator and passes datagrams back and forth until nobody sends anything. */
    void run() {
        run(UnaryOperator.identity());
    }

    /** @param link returns the datagram to deliver, or null to drop it */
    void run(UnaryOperator<byte[]> link) {
        deliver(initiator.start(), link);
    }

    /**
     * Delivers datagrams sent by both ends at the same moment (crossing on the wire, as in a
     * simultaneous rekey) and everything they cause, until nobody sends anything.
     */
    void exchange(List<byte[]> toResponder, List<byte[]> toInitiator, UnaryOperator<byte[]> link) {
        List<byte[]> pendingToResponder = new ArrayList<>(toResponder);
        List<byte[]> pendingToInitiator = new ArrayList<>(toInitiator);
        for (int rounds = 0; !(pendingToResponder.isEmpty() && pendingToInitiator.isEmpty()) && rounds < 40; rounds++) {
            List<byte[]> nextToResponder = new ArrayList<>();
            List<byte[]> nextToInitiator = new ArrayList<>();
            for (byte[] datagram : pendingToResponder) {
                wire.add(datagram);
                byte[] delivered = link.apply(datagram);
                if (delivered != null) {
                    nextToInitiator.addAll(responder.receive(delivered));
                }
            }
            for (byte[] datagram : pendingToInitiator) {
                wire.add(datagram);
                byte[] delivered = link.apply(datagram);
                if (delivered != null) {
                    nextToResponder.addAll(initiator.receive(delivered));
                }
            }
            pendingToResponder = nextToResponder;
            pendingToInitiator = nextToInitiator;
        }
    }

    void exchange(List<byte[]> toResponder, List<byte[]> toInitiator) {
        exchange(toResponder, toInitiator, UnaryOperator.identity());
    }

    IkeSa initiatorSa() {
        return initiator.ikeSa().orElseThrow();
    }

    IkeSa responderSa() {
        return responder.ikeSa().orElseThrow();
    }

    void deliver(List<byte[]> toResponder, UnaryOperator<byte[]> link) {
        List<byte[]> pending = toResponder;
        boolean towardsResponder = true;
        for (int hops = 0; !pending.isEmpty() && hops < 20; hops++) {
            List<byte[]> next = new ArrayList<>();
            for (byte[] datagram : pending) {
                wire.add(datagram);
                byte[] delivered = link.apply(datagram);
                if (delivered != null) {
                    next.addAll(towardsResponder ? responder.receive(delivered) : initiator.receive(delivered));
                }
            }
            pending = next;
            towardsResponder = !towardsResponder;
        }
    }
}
