package espgw.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test when Netty's leak detector reports a buffer that was never released. Registered
 * for every test by JUnit's extension auto-detection (see {@code junit-platform.properties});
 * surefire runs the tests with {@code -Dio.netty.leakDetection.level=PARANOID}, so every buffer is
 * tracked. The detector factory is replaced before any buffer class is loaded, so reports land in
 * {@link #LEAKS} instead of only in a log line nobody reads.
 */
public final class LeakCheckExtension implements BeforeEachCallback, AfterEachCallback {
    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        collect();
        LEAKS.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        collect();
        if (!LEAKS.isEmpty()) {
            List<String> reports = new ArrayList<>(LEAKS);
            LEAKS.clear();
            throw new AssertionError("Netty reported " + reports.size() + " leaked buffer(s) during "
                    + context.getDisplayName() + ":\n" + String.join("\n----\n", reports));
        }
    }

    /** Lets the garbage collector enqueue unreachable buffers, then makes the detector poll them. */
    private static void collect() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            System.runFinalization();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            // Each tracked allocation drains the detector's reference queue.
            for (int i = 0; i < 4; i++) {
                ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                pooled.release();
                ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.heapBuffer(16);
                unpooled.release();
            }
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(
                Class<T> resource, int samplingInterval, long maxActive) {
            return new RecordingDetector<>(resource, samplingInterval);
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LEAKS.add(resourceType + " leaked:" + records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LEAKS.add(resourceType + " leaked (no access records)");
        }
    }
}
