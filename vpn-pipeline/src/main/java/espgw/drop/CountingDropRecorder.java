package espgw.drop;

import java.util.concurrent.atomic.AtomicLongArray;

/** {@link DropRecorder} with one atomic counter per reason: for tests and until metrics exist. */
public final class CountingDropRecorder implements DropRecorder {
    private static final DropReason[] REASONS = DropReason.values();
    private final AtomicLongArray counts = new AtomicLongArray(REASONS.length);

    @Override
    public void drop(DropReason reason) {
        counts.incrementAndGet(reason.ordinal());
    }

    public long count(DropReason reason) {
        return counts.get(reason.ordinal());
    }

    public long total() {
        long total = 0;
        for (int i = 0; i < REASONS.length; i++) {
            total += counts.get(i);
        }
        return total;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("drops{");
        for (DropReason reason : REASONS) {
            s.append(reason.label()).append('=').append(count(reason)).append(' ');
        }
        return s.append('}').toString();
    }
}
