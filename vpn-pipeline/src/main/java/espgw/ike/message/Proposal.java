package espgw.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Proposal substructure (RFC 7296 §3.3.1): a numbered set of transforms for one protocol, with
 * the sender's SPI for that protocol (none for the first IKE SA, 4 octets for ESP).
 *
 * <pre>
 *  | Last Substruc |   RESERVED    |         Proposal Length       |
 *  | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
 *  ~                        SPI (variable)                         ~
 *  ~                        <Transforms>                           ~
 * </pre>
 */
public record Proposal(int proposalNumber, int protocolId, byte[] spi, List<Transform> transforms) {
    /** §3.3.1: Last Substruc values. */
    static final int LAST = 0;
    static final int MORE_PROPOSALS = 2;
    static final int HEADER_LENGTH = 8;

    public Proposal {
        spi = spi.clone();
        transforms = List.copyOf(transforms);
    }

    @Override
    public byte[] spi() {
        return spi.clone();
    }

    /** The transforms of one type, in the sender's order of preference. */
    public List<Transform> transformsOfType(int transformType) {
        List<Transform> result = new ArrayList<>();
        for (Transform t : transforms) {
            if (t.transformType() == transformType) {
                result.add(t);
            }
        }
        return result;
    }

    /** The ESP SPI as an int; the proposal must carry a 4-octet SPI. */
    public int spiAsInt() {
        if (spi.length != 4) {
            throw new IllegalStateException("SPI is " + spi.length + " octets, not 4");
        }
        return (spi[0] & 0xFF) << 24 | (spi[1] & 0xFF) << 16 | (spi[2] & 0xFF) << 8 | (spi[3] & 0xFF);
    }

    static Proposal decode(BodyReader in) throws IkeProtocolException {
        int number = in.u8("Proposal Num");
        int protocol = in.u8("Protocol ID");
        int spiSize = in.u8("SPI Size");
        int count = in.u8("Num Transforms");
        byte[] spi = in.bytes(spiSize, "SPI");
        List<Transform> transforms = new ArrayList<>(count);
        int lastSubstruc = Transform.MORE_TRANSFORMS;
        while (in.remaining() > 0) {
            if (lastSubstruc == Transform.LAST) {
                throw IkeProtocolException.invalidSyntax("proposal " + number + ": data after the last transform");
            }
            lastSubstruc = in.u8("Transform Last Substruc");
            if (lastSubstruc != Transform.LAST && lastSubstruc != Transform.MORE_TRANSFORMS) {
                throw IkeProtocolException.invalidSyntax("transform Last Substruc " + lastSubstruc);
            }
            in.skip(1, "RESERVED");
            int length = in.u16("Transform Length");
            if (length < Transform.HEADER_LENGTH) {
                throw IkeProtocolException.invalidSyntax("Transform Length " + length);
            }
            BodyReader body = in.sub(length - 4, "transform");
            transforms.add(Transform.decode(body));
        }
        if (lastSubstruc != Transform.LAST || transforms.size() != count) {
            throw IkeProtocolException.invalidSyntax("proposal " + number + " announces " + count
                    + " transforms and carries " + transforms.size());
        }
        return new Proposal(number, protocol, spi, transforms);
    }

    void encode(ByteBuf out, boolean last) {
        int start = out.writerIndex();
        out.writeByte(last ? LAST : MORE_PROPOSALS).writeByte(0).writeShort(0)
                .writeByte(proposalNumber).writeByte(protocolId).writeByte(spi.length).writeByte(transforms.size())
                .writeBytes(spi);
        for (int i = 0; i < transforms.size(); i++) {
            transforms.get(i).encode(out, i == transforms.size() - 1);
        }
        out.setShort(start + 2, out.writerIndex() - start);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Proposal p && proposalNumber == p.proposalNumber && protocolId == p.protocolId
                && Arrays.equals(spi, p.spi) && transforms.equals(p.transforms);
    }

    @Override
    public int hashCode() {
        return (proposalNumber * 31 + protocolId) * 31 + transforms.hashCode();
    }

    @Override
    public String toString() {
        return "Proposal#" + proposalNumber + "(protocol " + protocolId + ", spi " + spi.length + " octets, "
                + transforms + ")";
    }
}
