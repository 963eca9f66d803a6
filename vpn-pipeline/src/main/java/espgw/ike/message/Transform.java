package espgw.ike.message;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A Transform substructure (RFC 7296 §3.3.2) with its Key Length attribute (§3.3.5) taken out;
 * any other attribute is kept raw in {@code otherAttributes}, which makes the transform
 * unacceptable (§3.3.6: a transform with an attribute we do not understand is rejected).
 *
 * <pre>
 *  | Last Substruc |   RESERVED    |        Transform Length       |
 *  |Transform Type |   RESERVED    |          Transform ID         |
 *  |                      Transform Attributes                    ~
 * </pre>
 */
public record Transform(int transformType, int transformId, int keyLength, byte[] otherAttributes) {
    /** §3.3.2 Transform Type values. */
    public static final int TYPE_ENCR = 1;
    public static final int TYPE_PRF = 2;
    public static final int TYPE_INTEG = 3;
    /** §3.3.2 "Diffie-Hellman group (D-H)", renamed Key Exchange Method by RFC 9370. */
    public static final int TYPE_DH = 4;
    public static final int TYPE_ESN = 5;

    /** RFC 5282 §8 (AES-GCM with a 16-octet ICV). */
    public static final int ENCR_AES_GCM_16 = 20;
    /** RFC 7634 §4. */
    public static final int ENCR_CHACHA20_POLY1305 = 28;
    /** RFC 4868 §4. */
    public static final int PRF_HMAC_SHA2_256 = 5;
    public static final int PRF_HMAC_SHA2_384 = 6;
    public static final int PRF_HMAC_SHA2_512 = 7;
    /** §3.3.2: no integrity algorithm, as with AEAD ciphers. */
    public static final int AUTH_NONE = 0;
    /**
     * §3.3.2: D-H group NONE. §1.3.1: a CHILD SA proposal offering it beside real groups lets the
     * responder choose no PFS, and then the initiator's KE is ignored.
     */
    public static final int GROUP_NONE = 0;
    /** RFC 5903 §3.1: 256-bit random ECP group. */
    public static final int GROUP_ECP_256 = 19;
    /** RFC 8031 §4: Curve25519. */
    public static final int GROUP_CURVE25519 = 31;
    /** §3.3.2 Extended Sequence Numbers transform IDs. */
    public static final int ESN_NO = 0;
    public static final int ESN_YES = 1;

    /** §3.3.5: Attribute Format bit: TV (value in the header) rather than TLV. */
    public static final int ATTRIBUTE_FORMAT_TV = 0x8000;
    /** §3.3.5: the only attribute RFC 7296 defines, in TV format, in bits. */
    public static final int ATTRIBUTE_KEY_LENGTH = 14;

    /** §3.3.2: Last Substruc values. */
    static final int LAST = 0;
    static final int MORE_TRANSFORMS = 3;
    static final int HEADER_LENGTH = 8;

    public Transform {
        otherAttributes = otherAttributes.clone();
    }

    public static Transform of(int transformType, int transformId) {
        return new Transform(transformType, transformId, 0, new byte[0]);
    }

    public static Transform withKeyLength(int transformType, int transformId, int keyLengthBits) {
        return new Transform(transformType, transformId, keyLengthBits, new byte[0]);
    }

    @Override
    public byte[] otherAttributes() {
        return otherAttributes.clone();
    }

    public boolean hasUnknownAttributes() {
        return otherAttributes.length > 0;
    }

    /** Same type, ID and key length, and no unknown attributes on either side. */
    public boolean sameAs(Transform other) {
        return transformType == other.transformType && transformId == other.transformId
                && keyLength == other.keyLength && !hasUnknownAttributes() && !other.hasUnknownAttributes();
    }

    /** Decodes the part after Last Substruc, RESERVED and Transform Length. */
    static Transform decode(BodyReader in) throws IkeProtocolException {
        int type = in.u8("Transform Type");
        in.skip(1, "RESERVED");
        int id = in.u16("Transform ID");
        int keyLength = 0;
        ByteArrayOutputStream others = new ByteArrayOutputStream();
        while (in.remaining() > 0) {
            int typeField = in.u16("Attribute Type");
            int valueOrLength = in.u16("Attribute Value");
            boolean tv = (typeField & ATTRIBUTE_FORMAT_TV) != 0;
            byte[] value = tv ? new byte[0] : in.bytes(valueOrLength, "Attribute Value");
            if (tv && (typeField & ~ATTRIBUTE_FORMAT_TV) == ATTRIBUTE_KEY_LENGTH && keyLength == 0) {
                keyLength = valueOrLength;
            } else {
                // Kept verbatim so the transform re-encodes as received and is recognisably unknown.
                others.write(typeField >>> 8);
                others.write(typeField);
                others.write(valueOrLength >>> 8);
                others.write(valueOrLength);
                others.writeBytes(value);
            }
        }
        return new Transform(type, id, keyLength, others.toByteArray());
    }

    void encode(ByteBuf out, boolean last) {
        int start = out.writerIndex();
        out.writeByte(last ? LAST : MORE_TRANSFORMS).writeByte(0).writeShort(0)
                .writeByte(transformType).writeByte(0).writeShort(transformId);
        if (keyLength != 0) {
            out.writeShort(ATTRIBUTE_FORMAT_TV | ATTRIBUTE_KEY_LENGTH).writeShort(keyLength);
        }
        out.writeBytes(otherAttributes);
        out.setShort(start + 2, out.writerIndex() - start);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Transform t && transformType == t.transformType && transformId == t.transformId
                && keyLength == t.keyLength && Arrays.equals(otherAttributes, t.otherAttributes);
    }

    @Override
    public int hashCode() {
        return (transformType * 31 + transformId) * 31 + keyLength;
    }

    @Override
    public String toString() {
        return "T(" + transformType + ":" + transformId + (keyLength != 0 ? "/" + keyLength : "")
                + (hasUnknownAttributes() ? " +attrs" : "") + ")";
    }
}
