package espgw.ike.message;

import io.netty.buffer.ByteBuf;

/**
 * The Notify payload (RFC 7296 §3.10).
 *
 * <pre>
 *  |  Protocol ID  |   SPI Size    |      Notify Message Type      |
 *  ~                Security Parameter Index (SPI)                 ~
 *  ~                       Notification Data                       ~
 * </pre>
 */
public record NotifyPayload(int protocolId, byte[] spi, int notifyType, byte[] data) implements IkePayload {
    public NotifyPayload {
        spi = spi.clone();
        data = data.clone();
    }

    /** A notify about no particular SA (Protocol ID 0, no SPI), as most are (§3.10). */
    public static NotifyPayload of(int notifyType, byte[] data) {
        return new NotifyPayload(ProtocolId.NONE, new byte[0], notifyType, data);
    }

    public static NotifyPayload of(int notifyType) {
        return of(notifyType, new byte[0]);
    }

    @Override
    public byte[] spi() {
        return spi.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    public boolean isError() {
        return NotifyType.isError(notifyType);
    }

    @Override
    public int type() {
        return PayloadType.NOTIFY;
    }

    static NotifyPayload decode(BodyReader in) throws IkeProtocolException {
        int protocol = in.u8("Protocol ID");
        int spiSize = in.u8("SPI Size");
        int notifyType = in.u16("Notify Message Type");
        byte[] spi = in.bytes(spiSize, "SPI");
        return new NotifyPayload(protocol, spi, notifyType, in.rest());
    }

    @Override
    public void encodeBody(ByteBuf out) {
        out.writeByte(protocolId).writeByte(spi.length).writeShort(notifyType).writeBytes(spi).writeBytes(data);
    }

    @Override
    public String toString() {
        return "N(" + NotifyType.name(notifyType) + (data.length > 0 ? ", " + data.length + " octets" : "") + ")";
    }
}
