package espgw.ike.message;

import io.netty.buffer.ByteBuf;

/**
 * The Certificate Request payload (RFC 7296 §3.7): Cert Encoding and, for X.509, a concatenation
 * of SHA-1 hashes of the trusted CAs' public keys.
 */
public record CertRequestPayload(int encoding, byte[] certificationAuthority) implements IkePayload {
    public CertRequestPayload {
        certificationAuthority = certificationAuthority.clone();
    }

    @Override
    public byte[] certificationAuthority() {
        return certificationAuthority.clone();
    }

    @Override
    public int type() {
        return PayloadType.CERTIFICATE_REQUEST;
    }

    static CertRequestPayload decode(BodyReader in) throws IkeProtocolException {
        return new CertRequestPayload(in.u8("Cert Encoding"), in.rest());
    }

    @Override
    public void encodeBody(ByteBuf out) {
        out.writeByte(encoding).writeBytes(certificationAuthority);
    }

    @Override
    public String toString() {
        return "CERTREQ(encoding " + encoding + ", " + certificationAuthority.length + " octets)";
    }
}
