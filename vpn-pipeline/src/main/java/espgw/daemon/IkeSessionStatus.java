package espgw.daemon;

import espgw.ike.message.ExchangeType;
import espgw.ike.session.IkeSaStatus;
import espgw.ike.session.IkeSessionConfig;
import espgw.ike.session.IkeState;
import espgw.metrics.IkeStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Turns what an {@link IkeSession} knows at one moment into the {@link IkeStatus} that
 * {@code espgw status} shows: clock readings become seconds ago or to go, SPIs hex, algorithms
 * their IANA names. Nothing here holds or prints a key.
 */
final class IkeSessionStatus {
    private final long nowNanos;
    private final IkeStatus.Failure lastFailure;

    /** A failed setup or a lost IKE SA: the error notify's name (or "none"), the logged reason, and when. */
    record Failure(String errorNotify, String reason, long atNanos) {
    }

    /** @param lastFailure null when nothing failed since the start */
    IkeSessionStatus(long nowNanos, Failure lastFailure) {
        this.nowNanos = nowNanos;
        this.lastFailure = lastFailure == null ? null
                : new IkeStatus.Failure(lastFailure.errorNotify(), lastFailure.reason(), since(lastFailure.atNanos()));
    }

    /**
     * @param localIkePort where IKE arrives here: 500, or the NAT-traversal port once the exchange moved (§2.23)
     * @param encapsulation how the CHILD SAs' ESP travels
     */
    IkeStatus established(IkeSaStatus sa, IkeSessionConfig config, int localIkePort, InetSocketAddress peerIke,
            IkeStatus.Encapsulation encapsulation) {
        IkeStatus.Established established = new IkeStatus.Established(
                sa.weInitiated() ? IkeStatus.INITIATOR : IkeStatus.RESPONDER, since(sa.establishedNanos()),
                config.localId().display(), config.remoteId().display(),
                endpoint(config.localAddress().getAddress(), localIkePort),
                endpoint(peerIke.getAddress(), peerIke.getPort()), spi(sa.initiatorSpi()), spi(sa.responderSpi()),
                sa.encryption().name(), sa.prf().name(), sa.group().name(), encapsulation,
                until(sa.ikeRekeyAtNanos()), until(sa.childRekeyAtNanos()), since(sa.lastHeardNanos()));
        return new IkeStatus(IkeStatus.ESTABLISHED, null, established, lastFailure, null);
    }

    /** This end's setup under way: the exchange whose response it waits for, and its retransmissions. */
    IkeStatus initiating(IkeState state, int retransmissions) {
        int exchange = state == IkeState.IKE_AUTH_SENT ? ExchangeType.IKE_AUTH : ExchangeType.IKE_SA_INIT;
        return connecting(new IkeStatus.Connecting(IkeStatus.INITIATOR, ExchangeType.name(exchange), retransmissions));
    }

    /** The peer's setup under way: IKE_SA_INIT answered, IKE_AUTH awaited (the responder never retransmits). */
    IkeStatus awaitingIkeAuth() {
        return connecting(new IkeStatus.Connecting(IkeStatus.RESPONDER, ExchangeType.name(ExchangeType.IKE_AUTH), 0));
    }

    /** @param nextAttemptAtNanos when this end initiates again; empty when it waits for the peer */
    IkeStatus down(OptionalLong nextAttemptAtNanos) {
        return new IkeStatus(IkeStatus.DOWN, null, null, lastFailure, until(nextAttemptAtNanos));
    }

    private IkeStatus connecting(IkeStatus.Connecting connecting) {
        return new IkeStatus(IkeStatus.CONNECTING, connecting, null, lastFailure, null);
    }

    private long since(long atNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toSeconds(nowNanos - atNanos));
    }

    /** Seconds to go, 0 when due or overdue; null when never. */
    private Long until(OptionalLong atNanos) {
        return atNanos.isPresent() ? Math.max(0, TimeUnit.NANOSECONDS.toSeconds(atNanos.getAsLong() - nowNanos)) : null;
    }

    private static String endpoint(InetAddress address, int port) {
        return address.getHostAddress() + ":" + port;
    }

    /** As strongSwan prints IKE SPIs: sixteen hex digits. */
    private static String spi(long spi) {
        return String.format("%016x", spi);
    }
}
