package espgw.metrics;

import io.micrometer.core.instrument.Counter;

/**
 * {@link PeerTraffic} over four counters resolved once when the peer is added. It also answers
 * when traffic was last seen, without reading a clock per packet: each {@link #lastTrafficNanos}
 * call compares the packet totals with the previous call's, so the answer is exact to the interval
 * between calls (the daemon's status or scrape interval).
 */
final class MicrometerPeerTraffic implements PeerTraffic {
    private final Counter packetsIn;
    private final Counter bytesIn;
    private final Counter packetsOut;
    private final Counter bytesOut;

    private final Object sampleLock = new Object();
    private double sampledPackets;
    private long lastTrafficNanos;
    private boolean trafficSeen;

    MicrometerPeerTraffic(Counter packetsIn, Counter bytesIn, Counter packetsOut, Counter bytesOut) {
        this.packetsIn = packetsIn;
        this.bytesIn = bytesIn;
        this.packetsOut = packetsOut;
        this.bytesOut = bytesOut;
    }

    @Override
    public void packetIn(int bytes) {
        packetsIn.increment();
        bytesIn.increment(bytes);
    }

    @Override
    public void packetOut(int bytes) {
        packetsOut.increment();
        bytesOut.increment(bytes);
    }

    long packetsIn() {
        return (long) packetsIn.count();
    }

    long bytesIn() {
        return (long) bytesIn.count();
    }

    long packetsOut() {
        return (long) packetsOut.count();
    }

    long bytesOut() {
        return (long) bytesOut.count();
    }

    /**
     * When traffic was last seen, on the {@code nowNanos} time line, or -1 when never: traffic
     * counted since the previous call is dated {@code nowNanos}.
     */
    long lastTrafficNanos(long nowNanos) {
        synchronized (sampleLock) {
            double packets = packetsIn.count() + packetsOut.count();
            if (packets != sampledPackets) {
                sampledPackets = packets;
                lastTrafficNanos = nowNanos;
                trafficSeen = true;
            }
            return trafficSeen ? lastTrafficNanos : -1;
        }
    }
}
