package espgw.ike.session;

import espgw.ike.crypto.NatDetection;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.PayloadType;
import espgw.ike.message.TrafficSelectorPayload;
import espgw.ike.message.NotifyPayload;
import espgw.ike.message.NotifyType;
import espgw.ike.message.TrafficSelector;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What both roles compute the same way: SPIs, nonces, NAT detection, selector checks. */
final class Exchanges {
    /** §2.10: at least half the PRF's key size and 128 bits; 32 octets covers every PRF we offer. */
    static final int NONCE_LENGTH = 32;
    /** RFC 4303 §2.1: SPIs 1 to 255 are reserved, 0 means none. */
    private static final int FIRST_USABLE_ESP_SPI = 256;

    private Exchanges() {
    }

    static long ikeSpi(SecureRandom random) {
        long spi;
        do {
            spi = random.nextLong();
        } while (spi == 0);
        return spi;
    }

    static int espSpi(SecureRandom random) {
        int spi;
        do {
            spi = random.nextInt();
        } while (Integer.compareUnsigned(spi, FIRST_USABLE_ESP_SPI) < 0);
        return spi;
    }

    static byte[] nonce(SecureRandom random) {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        return nonce;
    }

    /** §2.23: our source and destination hashes, in that order. */
    static List<NotifyPayload> natDetection(long spiI, long spiR, InetSocketAddress local, InetSocketAddress remote) {
        return List.of(NotifyPayload.of(NotifyType.NAT_DETECTION_SOURCE_IP, NatDetection.hash(spiI, spiR, local)),
                NotifyPayload.of(NotifyType.NAT_DETECTION_DESTINATION_IP, NatDetection.hash(spiI, spiR, remote)));
    }

    /**
     * §2.23: compares the peer's hashes with the addresses we see. Without the notifies the peer
     * does not support NAT detection and nothing is known.
     */
    static NatStatus natStatus(IkeMessage received, long spiI, long spiR, InetSocketAddress local,
            InetSocketAddress remote) {
        Optional<NotifyPayload> destination = received.notify(NotifyType.NAT_DETECTION_DESTINATION_IP);
        if (destination.isEmpty()) {
            return NatStatus.UNKNOWN;
        }
        boolean localBehindNat = !Arrays.equals(destination.get().data(),
                NatDetection.hash(spiI, spiR, local));
        byte[] remoteHash = NatDetection.hash(spiI, spiR, remote);
        boolean peerBehindNat = true;
        for (NotifyPayload source : received.notifies()) {
            if (source.notifyType() == NotifyType.NAT_DETECTION_SOURCE_IP
                    && Arrays.equals(source.data(), remoteHash)) {
                peerBehindNat = false;
            }
        }
        return new NatStatus(localBehindNat, peerBehindNat);
    }

    /** True when each of {@code wanted} lies within one of {@code offered} (§2.9: narrowing). */
    static boolean covers(List<TrafficSelector> offered, List<TrafficSelector> wanted) {
        for (TrafficSelector selector : wanted) {
            if (offered.stream().noneMatch(selector::within)) {
                return false;
            }
        }
        return true;
    }

    static List<TrafficSelector> selectors(IkeMessage message, int type) throws IkeProtocolException {
        return ((TrafficSelectorPayload) message.firstOfType(type).orElseThrow(() -> IkeProtocolException
                .invalidSyntax(PayloadType.name(type) + " missing"))).selectors();
    }

    static <T extends IkePayload> T required(IkeMessage message, Class<T> type) throws IkeProtocolException {
        return message.first(type).orElseThrow(() -> IkeProtocolException.invalidSyntax(
                message.header() + " lacks " + type.getSimpleName()));
    }

}
