package espgw.sa;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link SequenceStore} that forgets everything with the process: for tests, benchmarks and SAs
 * whose key never outlives the process (IKE-negotiated keys are fresh per SA, so a restart
 * cannot reuse an IV under them).
 */
public final class MemorySequenceStore implements SequenceStore {
    private final Map<Integer, Long> reserved = new HashMap<>();
    private final long block;

    public MemorySequenceStore() {
        this(DEFAULT_BLOCK);
    }

    public MemorySequenceStore(long block) {
        this.block = block;
    }

    @Override
    public long block() {
        return block;
    }

    @Override
    public synchronized long reserved(int spi) {
        return reserved.getOrDefault(spi, 0L);
    }

    @Override
    public synchronized void reserve(int spi, long upTo) {
        reserved.put(spi, upTo);
    }
}
