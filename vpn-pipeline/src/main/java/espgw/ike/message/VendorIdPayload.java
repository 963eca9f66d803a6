package espgw.ike.message;

import io.netty.buffer.ByteBuf;

/** The Vendor ID payload (RFC 7296 §3.12): opaque; espgw ignores what it receives. */
public record VendorIdPayload(byte[] vendorId) implements IkePayload {
    public VendorIdPayload {
        vendorId = vendorId.clone();
    }

    @Override
    public byte[] vendorId() {
        return vendorId.clone();
    }

    @Override
    public int type() {
        return PayloadType.VENDOR_ID;
    }

    @Override
    public void encodeBody(ByteBuf out) {
        out.writeBytes(vendorId);
    }

    @Override
    public String toString() {
        return "V(" + vendorId.length + " octets)";
    }
}
