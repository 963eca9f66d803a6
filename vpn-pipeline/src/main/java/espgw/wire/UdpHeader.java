package espgw.wire;

/** The UDP header (RFC 768). */
public final class UdpHeader {
    public static final int LENGTH_OFFSET = 4;
    /** RFC 768 "Checksum": covers the pseudo-header, so address changes update it. */
    public static final int CHECKSUM_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;
    /**
     * RFC 768: "An all zero transmitted checksum value means that the transmitter generated no
     * checksum".
     */
    public static final int NO_CHECKSUM = 0;
    /** RFC 768: "If the computed checksum is zero, it is transmitted as all ones". */
    public static final int ZERO_CHECKSUM_TRANSMITTED = 0xFFFF;

    private UdpHeader() {
    }
}
