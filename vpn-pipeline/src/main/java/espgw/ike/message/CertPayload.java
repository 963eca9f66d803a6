package espgw.ike.message;

import io.netty.buffer.ByteBuf;

/** The Certificate payload (RFC 7296 §3.6): Cert Encoding and the certificate. */
public record CertPayload(int encoding, byte[] data) implements IkePayload {
    /** §3.6: X.509 Certificate - Signature (a DER-encoded certificate). */
    public static final int X509_CERTIFICATE_SIGNATURE = 4;

    public CertPayload {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public int type() {
        return PayloadType.CERTIFICATE;
    }

    static CertPayload decode(BodyReader in) throws IkeProtocolException {
        return new CertPayload(in.u8("Cert Encoding"), in.rest());
    }

    @Override
    public void encodeBody(ByteBuf out) {
        out.writeByte(encoding).writeBytes(data);
    }

    @Override
    public String toString() {
        return "CERT(encoding " + encoding + ", " + data.length + " octets)";
    }
}
