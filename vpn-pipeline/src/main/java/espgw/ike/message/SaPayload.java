package espgw.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** The Security Association payload (RFC 7296 §3.3): one or more proposals. */
public record SaPayload(List<Proposal> proposals) implements IkePayload {
    public SaPayload {
        proposals = List.copyOf(proposals);
    }

    @Override
    public int type() {
        return PayloadType.SECURITY_ASSOCIATION;
    }

    static SaPayload decode(BodyReader in) throws IkeProtocolException {
        List<Proposal> proposals = new ArrayList<>();
        int lastSubstruc = Proposal.MORE_PROPOSALS;
        while (in.remaining() > 0) {
            if (lastSubstruc == Proposal.LAST) {
                throw IkeProtocolException.invalidSyntax("SA: data after the last proposal");
            }
            lastSubstruc = in.u8("Proposal Last Substruc");
            if (lastSubstruc != Proposal.LAST && lastSubstruc != Proposal.MORE_PROPOSALS) {
                throw IkeProtocolException.invalidSyntax("proposal Last Substruc " + lastSubstruc);
            }
            in.skip(1, "RESERVED");
            int length = in.u16("Proposal Length");
            if (length < Proposal.HEADER_LENGTH) {
                throw IkeProtocolException.invalidSyntax("Proposal Length " + length);
            }
            proposals.add(Proposal.decode(in.sub(length - 4, "proposal")));
        }
        if (lastSubstruc != Proposal.LAST) {
            throw IkeProtocolException.invalidSyntax("SA: no proposal, or the last one says more follow");
        }
        return new SaPayload(proposals);
    }

    @Override
    public void encodeBody(ByteBuf out) {
        for (int i = 0; i < proposals.size(); i++) {
            proposals.get(i).encode(out, i == proposals.size() - 1);
        }
    }
}
