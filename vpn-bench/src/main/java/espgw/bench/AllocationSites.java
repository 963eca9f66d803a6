package espgw.bench;

import espgw.crypto.Aead;
import espgw.crypto.AeadAlgorithm;
import espgw.crypto.JceAead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where an AEAD's bytes per packet come from, exactly: JMH's {@code -prof gc} gives only the total.
 * Runs seal or open on a pooled direct buffer until compiled, then records every allocation of a
 * few thousand more with JFR and prints bytes and objects per packet by class and allocating
 * frames. Needs {@code -XX:-UseTLAB}: without thread-local allocation buffers every allocation
 * is a {@code jdk.ObjectAllocationOutsideTLAB} event, so the table counts all of them rather than
 * a sample (the totals come out a little above JMH's, which allocates with TLABs).
 *
 * <pre>java -XX:-UseTLAB -cp vpn-bench/target/benchmarks.jar espgw.bench.AllocationSites jce AES_GCM_128 seal 1400</pre>
 */
public final class AllocationSites {
    private static final int WARMUP = 300_000;
    private static final int RECORDED = 4_000;
    private static final int FRAMES = 3;
    private static final int AAD_LENGTH = 8;

    private AllocationSites() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            System.err.println("usage: AllocationSites jce|jce-reused-spec|bc-reused ALGORITHM seal|open SIZE");
            System.exit(2);
        }
        AeadAlgorithm algorithm = AeadAlgorithm.valueOf(args[1]);
        boolean open = "open".equals(args[2]);
        int size = Integer.parseInt(args[3]);
        byte[] keymat = new byte[algorithm.keymatLength()];
        new Random(1).nextBytes(keymat);
        Aead aead = create(args[0], algorithm, keymat);
        byte[] aad = new byte[AAD_LENGTH];
        ByteBuf work = PooledByteBufAllocator.DEFAULT.directBuffer(size + AeadAlgorithm.ICV_LENGTH);
        work.writeZero(size + AeadAlgorithm.ICV_LENGTH);
        // Two sealed packets opened in turn: JCE's ChaCha20-Poly1305 treats a repeated IV specially.
        // Arrays: a direct-to-direct ByteBuf copy allocates NIO views when Netty runs without Unsafe.
        byte[][] sealed = new byte[2][];
        for (int i = 0; i < sealed.length; i++) {
            new JceAead(algorithm, keymat).seal(1 + i, aad, AAD_LENGTH, work, 0, size);
            sealed[i] = ByteBufUtil.getBytes(work);
        }
        Path file = Files.createTempFile("allocation-sites", ".jfr");
        try (Recording recording = new Recording()) {
            long iv = sealed.length + 1;
            for (int i = 0; i < WARMUP + RECORDED; i++) {
                if (i == WARMUP) {
                    recording.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
                    recording.start();
                }
                if (open) {
                    work.setBytes(0, sealed[i & 1]);
                    if (!aead.open(1 + (i & 1), aad, AAD_LENGTH, work, 0, size + AeadAlgorithm.ICV_LENGTH)) {
                        throw new IllegalStateException("open failed");
                    }
                } else {
                    aead.seal(iv++, aad, AAD_LENGTH, work, 0, size);
                }
            }
            recording.stop();
            recording.dump(file);
        }
        print(args, RecordingFile.readAllEvents(file));
        Files.delete(file);
        work.release();
    }

    private static Aead create(String impl, AeadAlgorithm algorithm, byte[] keymat) {
        switch (impl) {
            case "jce":
                return new JceAead(algorithm, keymat);
            case "jce-reused-spec":
                return new ReusedSpecJceAead(algorithm, keymat);
            case "bc-reused":
                return new BouncyCastleLightweightAead(algorithm, keymat);
            default:
                throw new IllegalArgumentException(impl);
        }
    }

    private static void print(String[] args, List<RecordedEvent> events) {
        Map<String, long[]> bySite = new HashMap<>();
        long total = 0;
        String thread = Thread.currentThread().getName();
        for (RecordedEvent event : events) {
            if (!thread.equals(event.getThread("eventThread").getJavaName())) {
                continue;
            }
            long bytes = event.getLong("allocationSize");
            String site = String.format("%-36s %s", simpleName(event.getClass("objectClass").getName()),
                    frames(event.getStackTrace().getFrames()));
            long[] counts = bySite.computeIfAbsent(site, s -> new long[2]);
            counts[0]++;
            counts[1] += bytes;
            total += bytes;
        }
        System.out.printf("# %s %s %s %s on %s %s: %.1f B/op%n", args[0], args[1], args[2], args[3],
                System.getProperty("java.vm.name"), System.getProperty("java.version"), total / (double) RECORDED);
        System.out.println("#   B/op  obj/op  class                                allocated in (innermost first)");
        bySite.entrySet().stream()
                .filter(e -> e.getValue()[1] >= RECORDED) // drop JFR's own start-up allocations
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .forEach(e -> System.out.printf("%8.1f %7.1f  %s%n", e.getValue()[1] / (double) RECORDED,
                        e.getValue()[0] / (double) RECORDED, e.getKey()));
    }

    private static String frames(List<RecordedFrame> frames) {
        StringBuilder out = new StringBuilder();
        int shown = 0;
        for (RecordedFrame frame : frames) {
            if (shown == FRAMES || frame.getMethod().getType().getName().startsWith("espgw.")) {
                break;
            }
            out.append(shown++ == 0 ? "" : " < ").append(simpleName(frame.getMethod().getType().getName()))
                    .append('.').append(frame.getMethod().getName());
        }
        return out.length() == 0 ? "(espgw)" : out.toString();
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
