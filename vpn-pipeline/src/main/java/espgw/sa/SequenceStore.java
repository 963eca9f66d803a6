package espgw.sa;

import java.io.IOException;

/**
 * Durable record of how far an outbound SA's sequence numbers (and therefore its IVs) may have
 * been used. espgw's explicit IV is the 64-bit sequence number (RFC 4106 §3.1 allows a counter),
 * so an IV repeats under one key only if a sequence number does. Before the sender uses any
 * number above the last reservation it durably reserves a further block; a process that starts
 * again with the same manual key resumes above everything any earlier process may have used, even
 * after a crash (it loses at most the unused rest of one block).
 */
public interface SequenceStore {
    /** Default block: one synchronous write and fsync per 2^20 packets per outbound SA. */
    long DEFAULT_BLOCK = 1L << 20;

    /** The highest sequence number reserved so far for this SPI, 0 if none. */
    long reserved(int spi) throws IOException;

    /** Durably records that numbers up to {@code upTo} may be used; returns only once durable. */
    void reserve(int spi, long upTo) throws IOException;

    /** How many sequence numbers one reservation covers. */
    default long block() {
        return DEFAULT_BLOCK;
    }
}
