package espgw.sa;

/** Which way an SA carries traffic; an SA is unidirectional (RFC 4301 §4.1). */
public enum Direction {
    INBOUND,
    OUTBOUND
}
