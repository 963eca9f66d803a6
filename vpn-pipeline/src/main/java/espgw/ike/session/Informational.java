package espgw.ike.session;

import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import java.util.List;

/** Our INFORMATIONAL requests (RFC 7296 §1.4): fixed payloads and what to do once answered. */
final class Informational implements Exchange {
    interface OnAnswer {
        void answered(IkeMessage response) throws IkeProtocolException;
    }

    private final List<IkePayload> payloads;
    private final OnAnswer onAnswer;

    Informational(List<IkePayload> payloads, OnAnswer onAnswer) {
        this.payloads = List.copyOf(payloads);
        this.onAnswer = onAnswer;
    }

    /** §2.4: an empty request; the answer itself is the proof of life. */
    static Informational livenessCheck() {
        return new Informational(List.of(), response -> {
        });
    }

    @Override
    public int exchangeType() {
        return ExchangeType.INFORMATIONAL;
    }

    @Override
    public List<IkePayload> request(IkeSaChannel channel) {
        return payloads;
    }

    @Override
    public void onResponse(IkeMessage response) throws IkeProtocolException {
        onAnswer.answered(response);
    }
}
