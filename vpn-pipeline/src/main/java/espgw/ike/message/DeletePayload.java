package espgw.ike.message;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * The Delete payload (RFC 7296 §3.11): the IKE SA itself (Protocol ID 1, no SPIs) or CHILD SAs
 * by their inbound SPIs.
 *
 * <pre>
 *  | Protocol ID   |   SPI Size    |          Num of SPIs          |
 *  ~               Security Parameter Index(es) (SPI)              ~
 * </pre>
 */
public record DeletePayload(int protocolId, int spiSize, List<byte[]> spis) implements IkePayload {
    public DeletePayload {
        List<byte[]> copies = new ArrayList<>(spis.size());
        for (byte[] spi : spis) {
            if (spi.length != spiSize) {
                throw new IllegalArgumentException("SPI of " + spi.length + " octets in a delete of size " + spiSize);
            }
            copies.add(spi.clone());
        }
        spis = List.copyOf(copies);
    }

    /** §3.11: deleting the IKE SA carries no SPI; the IKE header names it. */
    public static DeletePayload ikeSa() {
        return new DeletePayload(ProtocolId.IKE, 0, List.of());
    }

    @Override
    public List<byte[]> spis() {
        List<byte[]> copies = new ArrayList<>(spis.size());
        for (byte[] spi : spis) {
            copies.add(spi.clone());
        }
        return copies;
    }

    @Override
    public int type() {
        return PayloadType.DELETE;
    }

    static DeletePayload decode(BodyReader in) throws IkeProtocolException {
        int protocol = in.u8("Protocol ID");
        int spiSize = in.u8("SPI Size");
        int count = in.u16("Num of SPIs");
        if (protocol == ProtocolId.IKE && (spiSize != 0 || count != 0)
                || protocol != ProtocolId.IKE && spiSize != 4) {
            throw IkeProtocolException.invalidSyntax("Delete of protocol " + protocol + " with SPI Size " + spiSize);
        }
        List<byte[]> spis = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            spis.add(in.bytes(spiSize, "SPI " + (i + 1) + " of " + count));
        }
        return new DeletePayload(protocol, spiSize, spis);
    }

    @Override
    public void encodeBody(ByteBuf out) {
        out.writeByte(protocolId).writeByte(spiSize).writeShort(spis.size());
        for (byte[] spi : spis) {
            out.writeBytes(spi);
        }
    }

    @Override
    public String toString() {
        return "D(protocol " + protocolId + ", " + spis.size() + " SPIs)";
    }
}
