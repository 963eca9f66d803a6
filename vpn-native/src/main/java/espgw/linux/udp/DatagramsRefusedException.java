package espgw.linux.udp;

import espgw.linux.libc.NativeCallException;

/**
 * The kernel refused one message of a send: a datagram, or a GSO run of {@link #datagrams()}
 * datagrams, all lost; the errno says why.
 */
public final class DatagramsRefusedException extends NativeCallException {
    private final int datagrams;

    public DatagramsRefusedException(String what, int errno, int datagrams) {
        super(what, errno);
        this.datagrams = datagrams;
    }

    /** How many datagrams the refused message held. */
    public int datagrams() {
        return datagrams;
    }
}
