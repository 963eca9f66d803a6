package espgw.ike.session;

import espgw.ike.crypto.IkeMessageProtection;
import espgw.ike.crypto.IkeSaKeys;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import espgw.sa.Clock;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * The messages of one IKE SA after IKE_AUTH (RFC 7296 §2.2) with a window of one: our request
 * counter and the outstanding request (retransmitted with back-off, {@link Retransmission}), the
 * peer's next expected request ID, the last response for a retransmitted request (§2.1), and the
 * SK protection with this SA's keys. Requests wait in a queue while one is outstanding.
 */
final class IkeSaChannel {
    final long spiI;
    final long spiR;
    /** §3.1: whether we set the Initiator flag: we initiated this SA (or the rekey that made it, §2.18). */
    final boolean originalInitiator;
    final IkeSaKeys keys;
    final ProposalSelection.IkeSuite suite;
    /** When these SPIs came into force: IKE_AUTH completed, or the rekey that made them (§2.18). */
    final long establishedNanos;
    private final IkeMessageProtection protection;
    private final Retransmission retransmission;
    private final Deque<Exchange> queued = new ArrayDeque<>();

    private int nextRequestId;
    private int expectedPeerRequestId;
    private Exchange outstanding;
    private byte[] lastPeerRequest;
    private byte[] lastResponse;

    IkeSaChannel(long spiI, long spiR, boolean originalInitiator, IkeSaKeys keys, ProposalSelection.IkeSuite suite,
            Clock clock, int nextRequestId, int expectedPeerRequestId) {
        this.spiI = spiI;
        this.spiR = spiR;
        this.originalInitiator = originalInitiator;
        this.keys = keys;
        this.suite = suite;
        this.establishedNanos = clock.nanoTime();
        this.protection = new IkeMessageProtection(keys, originalInitiator);
        this.retransmission = new Retransmission(clock);
        this.nextRequestId = nextRequestId;
        this.expectedPeerRequestId = expectedPeerRequestId;
    }

    boolean owns(IkeHeader header) {
        return header.initiatorSpi() == spiI && header.responderSpi() == spiR;
    }

    /** Sends {@code exchange} now if nothing is outstanding, else queues it. */
    Optional<byte[]> request(Exchange exchange) {
        queued.add(exchange);
        return outstanding == null ? sendNext() : Optional.empty();
    }

    /** Moves the requests not yet sent to another channel (the IKE SA that replaces this one). */
    void handOverQueued(IkeSaChannel successor, List<byte[]> out) {
        while (!queued.isEmpty()) {
            successor.request(queued.poll()).ifPresent(out::add);
        }
    }

    private Optional<byte[]> sendNext() {
        Exchange next = queued.poll();
        if (next == null) {
            return Optional.empty();
        }
        outstanding = next;
        byte[] datagram = protection.seal(IkeHeader.of(spiI, spiR, next.exchangeType(), flags(false), nextRequestId),
                next.request(this));
        return Optional.of(retransmission.sent(datagram));
    }

    boolean idle() {
        return outstanding == null && queued.isEmpty();
    }

    /** The outstanding exchange when {@code header} answers it, else null. */
    Exchange answering(IkeHeader header) {
        return outstanding != null && header.isResponse() && header.messageId() == nextRequestId
                && header.exchangeType() == outstanding.exchangeType() ? outstanding : null;
    }

    /** The exchange is over (its response was authentic): the next queued request goes out. */
    Optional<byte[]> completed() {
        outstanding = null;
        nextRequestId++;
        retransmission.answered();
        return sendNext();
    }

    /** §2.1, §2.2: a request with the expected ID is new, the previous one's very octets get the cached answer. */
    boolean isNewRequest(IkeHeader header) {
        return !header.isResponse() && header.messageId() == expectedPeerRequestId;
    }

    Optional<byte[]> cachedResponse(byte[] datagram) {
        return lastPeerRequest != null && Arrays.equals(datagram, lastPeerRequest)
                ? Optional.of(lastResponse) : Optional.empty();
    }

    /** Seals the response to the request just processed and remembers both. */
    byte[] respond(byte[] request, IkeHeader requestHeader, List<? extends IkePayload> payloads) {
        lastPeerRequest = request;
        lastResponse = protection.seal(IkeHeader.of(spiI, spiR, requestHeader.exchangeType(), flags(true),
                requestHeader.messageId()), payloads);
        expectedPeerRequestId++;
        return lastResponse;
    }

    /** Remembers the IKE_AUTH exchange, so a retransmitted IKE_AUTH request is answered again. */
    void rememberExchange(byte[] request, byte[] response) {
        lastPeerRequest = request;
        lastResponse = response;
    }

    Optional<IkeMessage> open(IkeMessage message, byte[] datagram) throws IkeProtocolException {
        return protection.open(message, datagram);
    }

    /** The outstanding request again when due; empty when not due or nothing is outstanding. */
    Optional<byte[]> retransmitIfDue() {
        return Optional.ofNullable(retransmission.retransmitIfDue());
    }

    /** True when a request is outstanding and has gone unanswered for {@code nanos} or longer. */
    boolean unansweredFor(long nanos) {
        return retransmission.outstanding() && retransmission.unansweredNanos() >= nanos;
    }

    boolean retransmissionsExhausted() {
        return retransmission.exhausted();
    }

    private int flags(boolean response) {
        return (originalInitiator ? IkeHeader.FLAG_INITIATOR : 0) | (response ? IkeHeader.FLAG_RESPONSE : 0);
    }

    @Override
    public String toString() {
        return String.format("IkeSaChannel[%016x/%016x]", spiI, spiR);
    }
}
