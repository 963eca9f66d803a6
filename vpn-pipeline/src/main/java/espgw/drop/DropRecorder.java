package espgw.drop;

/** Where handlers count their drops; the Micrometer implementation lives with the metrics. */
@FunctionalInterface
public interface DropRecorder {
    void drop(DropReason reason);
}
