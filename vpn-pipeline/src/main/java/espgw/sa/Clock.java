package espgw.sa;

/** Monotonic time for SA lifetimes; injectable so tests drive time by hand. */
@FunctionalInterface
public interface Clock {
    /** Monotonic nanoseconds, like {@link System#nanoTime()}: only differences mean anything. */
    long nanoTime();

    static Clock system() {
        return System::nanoTime;
    }
}
