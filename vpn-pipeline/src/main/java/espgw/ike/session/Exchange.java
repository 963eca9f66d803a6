package espgw.ike.session;

import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import java.util.List;

/** A request this end makes on an established IKE SA and what it does with the answer. */
interface Exchange {
    int exchangeType();

    /** The payloads inside SK; called once, when the request is about to be sent on {@code channel}. */
    List<IkePayload> request(IkeSaChannel channel);

    /** The opened response (or an error notify in it). */
    void onResponse(IkeMessage response) throws IkeProtocolException;
}
