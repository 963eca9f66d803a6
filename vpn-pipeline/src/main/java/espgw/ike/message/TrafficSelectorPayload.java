package espgw.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * The Traffic Selector payloads TSi and TSr (RFC 7296 §3.13).
 *
 * <pre>
 *  | Number of TSs |                 RESERVED                      |
 *  ~                       <Traffic Selectors>                     ~
 * </pre>
 */
public record TrafficSelectorPayload(boolean initiator, List<TrafficSelector> selectors) implements IkePayload {
    public TrafficSelectorPayload {
        selectors = List.copyOf(selectors);
    }

    @Override
    public int type() {
        return initiator ? PayloadType.TRAFFIC_SELECTOR_INITIATOR : PayloadType.TRAFFIC_SELECTOR_RESPONDER;
    }

    static TrafficSelectorPayload decode(boolean initiator, BodyReader in) throws IkeProtocolException {
        int count = in.u8("Number of TSs");
        in.skip(3, "RESERVED");
        if (count == 0) {
            throw IkeProtocolException.invalidSyntax("a TS payload without selectors");
        }
        List<TrafficSelector> selectors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            selectors.add(TrafficSelector.decode(in));
        }
        return new TrafficSelectorPayload(initiator, selectors);
    }

    @Override
    public void encodeBody(ByteBuf out) {
        out.writeByte(selectors.size()).writeMedium(0);
        for (TrafficSelector selector : selectors) {
            selector.encode(out);
        }
    }

    @Override
    public String toString() {
        return (initiator ? "TSi" : "TSr") + selectors;
    }
}
