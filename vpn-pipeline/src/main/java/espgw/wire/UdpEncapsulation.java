package espgw.wire;

import io.netty.buffer.ByteBuf;

/**
 * UDP encapsulation of ESP (RFC 3948): what a datagram on the NAT-traversal port carries, told
 * apart by its first octets. The index passed to each accessor is where the UDP payload starts
 * (the socket has already removed the UDP header).
 *
 * <pre>
 *  §2.1  UDP header | ESP header (SPI, never zero) ...
 *  §2.2  UDP header | Non-ESP Marker (4 zero octets) | IKE header ...
 *  §2.3  UDP header | 0xFF                              (NAT-keepalive)
 * </pre>
 */
public final class UdpEncapsulation {
    /**
     * RFC 3947 §4 and RFC 7296 §2.23: the port IKE moves to for NAT traversal, which then also
     * carries the UDP-encapsulated ESP.
     */
    public static final int NAT_T_PORT = 4500;
    /** RFC 3948 §2.2: "Non-ESP Marker", 32 zero bits where an ESP packet has its SPI. */
    public static final int NON_ESP_MARKER_LENGTH = 4;
    public static final int NON_ESP_MARKER = 0;
    /** RFC 3948 §2.3: a NAT-keepalive is "a one-octet-long payload with the value 0xFF". */
    public static final int NAT_KEEPALIVE_LENGTH = 1;
    public static final int NAT_KEEPALIVE_PAYLOAD = 0xFF;
    /** RFC 3948 §4: the default interval between NAT-keepalives of an otherwise idle sender. */
    public static final int DEFAULT_NAT_KEEPALIVE_SECONDS = 20;
    /** RFC 3948 §2.1: the octets encapsulation adds in front of the ESP header (the UDP header). */
    public static final int OVERHEAD = UdpHeader.HEADER_LENGTH;

    /** What a datagram on the NAT-traversal port is. */
    public enum Kind {
        /** §2.1: an ESP packet from the SPI on (the ESP layer judges whether it is well formed). */
        ESP,
        /** §2.2: an IKE message behind the Non-ESP Marker. */
        IKE,
        /** §2.3: a NAT-keepalive, to be ignored by the receiver. */
        NAT_KEEPALIVE
    }

    private UdpEncapsulation() {
    }

    /** Classifies the {@code length} octets of UDP payload at {@code index}. */
    public static Kind kind(ByteBuf buf, int index, int length) {
        if (length == NAT_KEEPALIVE_LENGTH && buf.getUnsignedByte(index) == NAT_KEEPALIVE_PAYLOAD) {
            return Kind.NAT_KEEPALIVE;
        }
        if (length >= NON_ESP_MARKER_LENGTH && buf.getInt(index) == NON_ESP_MARKER) {
            return Kind.IKE;
        }
        return Kind.ESP;
    }

    /** Writes a NAT-keepalive payload (RFC 3948 §2.3) at the writer index. */
    public static ByteBuf writeNatKeepalive(ByteBuf buf) {
        return buf.writeByte(NAT_KEEPALIVE_PAYLOAD);
    }
}
