package espgw.ike.message;

import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The Identification payloads IDi and IDr (RFC 7296 §3.5). {@link #restOfIdPayload()} is what the
 * AUTH computation of §2.15 MACs: ID Type, the three RESERVED octets and the data.
 *
 * <pre>
 *  |   ID Type     |                 RESERVED                      |
 *  ~                   Identification Data                         ~
 * </pre>
 */
public record IdPayload(boolean initiator, int idType, byte[] data) implements IkePayload {
    /** §3.5 ID Type values. */
    public static final int ID_IPV4_ADDR = 1;
    public static final int ID_FQDN = 2;
    public static final int ID_RFC822_ADDR = 3;
    public static final int ID_IPV6_ADDR = 5;
    public static final int ID_DER_ASN1_DN = 9;
    public static final int ID_DER_ASN1_GN = 10;
    public static final int ID_KEY_ID = 11;

    public IdPayload {
        data = data.clone();
    }

    public static IdPayload fqdn(boolean initiator, String name) {
        return new IdPayload(initiator, ID_FQDN, name.getBytes(StandardCharsets.US_ASCII));
    }

    public static IdPayload rfc822(boolean initiator, String address) {
        return new IdPayload(initiator, ID_RFC822_ADDR, address.getBytes(StandardCharsets.US_ASCII));
    }

    public static IdPayload ipv4(boolean initiator, Inet4Address address) {
        return new IdPayload(initiator, ID_IPV4_ADDR, address.getAddress());
    }

    public static IdPayload keyId(boolean initiator, byte[] keyId) {
        return new IdPayload(initiator, ID_KEY_ID, keyId);
    }

    /** @param dn a DER-encoded ASN.1 X.500 Distinguished Name */
    public static IdPayload derAsn1Dn(boolean initiator, byte[] dn) {
        return new IdPayload(initiator, ID_DER_ASN1_DN, dn);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The same identity in the other role's payload (IDi to IDr and back). */
    public IdPayload as(boolean asInitiator) {
        return new IdPayload(asInitiator, idType, data);
    }

    /** Same ID Type and data; the role does not matter. */
    public boolean sameIdentity(IdPayload other) {
        return idType == other.idType && Arrays.equals(data, other.data);
    }

    /** §2.15 RestOfInitIDPayload / RestOfRespIDPayload: the body without the generic header. */
    public byte[] restOfIdPayload() {
        byte[] rest = new byte[4 + data.length];
        rest[0] = (byte) idType;
        System.arraycopy(data, 0, rest, 4, data.length);
        return rest;
    }

    @Override
    public int type() {
        return initiator ? PayloadType.IDENTIFICATION_INITIATOR : PayloadType.IDENTIFICATION_RESPONDER;
    }

    static IdPayload decode(boolean initiator, BodyReader in) throws IkeProtocolException {
        int idType = in.u8("ID Type");
        in.skip(3, "RESERVED");
        byte[] data = in.rest();
        if (idType == ID_IPV4_ADDR && data.length != 4 || idType == ID_IPV6_ADDR && data.length != 16) {
            throw IkeProtocolException.invalidSyntax("ID of type " + idType + " with " + data.length + " octets");
        }
        return new IdPayload(initiator, idType, data);
    }

    @Override
    public void encodeBody(ByteBuf out) {
        out.writeByte(idType).writeMedium(0).writeBytes(data);
    }

    /** A readable form for logs: names and addresses as text, anything else in hex. */
    public String display() {
        switch (idType) {
            case ID_FQDN:
            case ID_RFC822_ADDR:
                return new String(data, StandardCharsets.US_ASCII);
            case ID_IPV4_ADDR:
            case ID_IPV6_ADDR:
                try {
                    return InetAddress.getByAddress(data).getHostAddress();
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("length checked on construction", e);
                }
            default:
                return "type " + idType + " " + HexFormat.of().formatHex(data);
        }
    }

    @Override
    public String toString() {
        return (initiator ? "IDi(" : "IDr(") + display() + ")";
    }
}
