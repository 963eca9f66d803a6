package espgw.cli;

import espgw.metrics.IkeStatus;

/**
 * The IKE part of a peer in {@code espgw status}, laid out like {@code swanctl --list-sas}: state,
 * identities and endpoints, SPIs (the star marks this end's), algorithms, encapsulation and timers;
 * while not established, the setup under way or the next attempt, and the last failure.
 */
final class IkeStatusView {
    private IkeStatusView() {
    }

    static void render(StringBuilder s, IkeStatus ike) {
        switch (ike.state()) {
            case IkeStatus.ESTABLISHED -> established(s, ike.established());
            case IkeStatus.CONNECTING -> connecting(s, ike.connecting());
            default -> s.append("  ike: down, ").append(ike.nextAttemptInSeconds() == null
                    ? "waiting for the peer to initiate"
                    : "initiating again in " + StatusView.duration(ike.nextAttemptInSeconds())).append('\n');
        }
        IkeStatus.Failure failure = ike.lastFailure();
        if (failure != null && !ike.state().equals(IkeStatus.ESTABLISHED)) {
            s.append("    last failure ").append(StatusView.duration(failure.secondsAgo())).append(" ago: ")
                    .append(failure.errorNotify().equals(IkeStatus.Failure.NO_NOTIFY) ? failure.reason()
                            : failure.errorNotify() + " (" + failure.reason() + ")").append('\n');
        }
    }

    private static void established(StringBuilder s, IkeStatus.Established sa) {
        boolean initiator = sa.role().equals(IkeStatus.INITIATOR);
        s.append("  ike: established ").append(StatusView.duration(sa.ageSeconds())).append(" ago, as ")
                .append(sa.role()).append('\n');
        s.append("    local  ").append(sa.localId()).append(" @ ").append(sa.localEndpoint()).append('\n');
        s.append("    remote ").append(sa.remoteId()).append(" @ ").append(sa.remoteEndpoint()).append('\n');
        s.append("    SPIs ").append(sa.initiatorSpi()).append(initiator ? "_i* " : "_i ")
                .append(sa.responderSpi()).append(initiator ? "_r" : "_r*").append('\n');
        s.append("    ").append(sa.encryption()).append('/').append(sa.prf()).append('/').append(sa.group()).append('\n');
        s.append("    ").append(encapsulation(sa.encapsulation())).append('\n');
        s.append("    rekey: IKE SA ").append(due(sa.ikeRekeyInSeconds())).append("; CHILD SA ")
                .append(due(sa.childRekeyInSeconds())).append('\n');
        s.append("    peer last heard from ").append(StatusView.duration(sa.lastHeardSecondsAgo())).append(" ago\n");
    }

    private static void connecting(StringBuilder s, IkeStatus.Connecting setup) {
        s.append("  ike: connecting as ").append(setup.role()).append(", ");
        if (setup.role().equals(IkeStatus.INITIATOR)) {
            s.append(setup.exchange()).append(" sent, ").append(setup.retransmissions())
                    .append(setup.retransmissions() == 1 ? " retransmission" : " retransmissions");
        } else {
            s.append("waiting for ").append(setup.exchange());
        }
        s.append('\n');
    }

    private static String encapsulation(IkeStatus.Encapsulation e) {
        String nat = e.localBehindNat() && e.peerBehindNat() ? "NAT detected in front of both ends"
                : e.localBehindNat() ? "NAT detected in front of this end"
                : e.peerBehindNat() ? "NAT detected in front of the peer" : "no NAT detected";
        return (e.udp() ? "ESP in UDP from port " + e.localPort() + " to " + e.remotePort() : "bare ESP") + ", " + nat;
    }

    private static String due(Long seconds) {
        return seconds == null ? "never" : seconds == 0 ? "due now" : "in " + StatusView.duration(seconds);
    }
}
