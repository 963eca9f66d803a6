package espgw.wire;

/** The TCP header fields espgw touches (RFC 793 §3.1). */
public final class TcpHeader {
    /** RFC 793 §3.1 "Checksum": covers the pseudo-header, so address changes update it. */
    public static final int CHECKSUM_OFFSET = 16;

    private TcpHeader() {
    }
}
