package espgw.sa;

import espgw.crypto.Aead;
import espgw.crypto.AeadAlgorithm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.util.Objects;

/**
 * One unidirectional ESP SA (RFC 4301 §4.1): identity (SPI, direction, addresses, algorithm,
 * ESN), its keyed {@link Aead}, its sequence counter (outbound) or {@link ReplayWindow}
 * (inbound), and its lifetime counters.
 *
 * <p>Threading: the identity is immutable and safe to read anywhere. Everything mutable (cipher
 * state, sequence counter, window, counters, expiry) has exactly one writer, the event loop that
 * processes the SA's packets; control threads never mutate an SA, they install or remove it in
 * the {@link SaDatabase} (or post a task to the event loop). Counter getters read without
 * synchronisation, which is fine for monitoring and only for that.
 *
 * <p>Key material lives only inside the {@link Aead}; {@link #toString()} prints no key.
 */
public final class SecurityAssociation {
    /** RFC 4303 §2.2: without ESN the counter is 32 bits and MUST NOT cycle. */
    static final long MAX_SEQUENCE_32 = 0xFFFF_FFFFL;
    /** RFC 4303 §2.2.1: with ESN, 64 bits (unsigned), and again no cycling. */
    static final long MAX_SEQUENCE_64 = 0xFFFF_FFFF_FFFF_FFFFL;

    private final int spi;
    private final Direction direction;
    private final Inet4Address local;
    private final Inet4Address peer;
    private final Aead aead;
    private final boolean esn;
    private final ReplayWindow replayWindow;
    private final SaLifetime lifetime;
    private final SaSelectors selectors;
    private final Clock clock;
    private final SaEventListener listener;
    private final SequenceStore sequenceStore;
    private final long sequenceLimit;
    private final long createdNanos;

    private long lastSequence;
    private long reservedSequence;
    private long packets;
    private long bytes;
    private boolean softReached;
    private boolean expired;

    private SecurityAssociation(Builder b) {
        this.spi = b.spi;
        this.direction = b.direction;
        this.local = b.local;
        this.peer = b.peer;
        this.aead = b.aead;
        this.esn = b.esn;
        this.lifetime = b.lifetime;
        this.selectors = b.selectors;
        this.clock = b.clock;
        this.listener = b.listener;
        this.sequenceLimit = esn ? MAX_SEQUENCE_64 : MAX_SEQUENCE_32;
        this.replayWindow = direction == Direction.INBOUND ? new ReplayWindow(b.replayWindow, esn) : null;
        this.sequenceStore = b.sequenceStore;
        this.createdNanos = clock.nanoTime();
        if (direction == Direction.OUTBOUND) {
            try {
                long used = sequenceStore.reserved(spi);
                lastSequence = used;
                reservedSequence = used;
                if (Long.compareUnsigned(used, sequenceLimit) >= 0) {
                    // An earlier process used up every number this key may carry.
                    expired = true;
                } else {
                    reserveBlock();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reserve sequence numbers for SPI " + spiHex(), e);
            }
        }
    }

    public static Builder builder(int spi, Direction direction, Aead aead) {
        return new Builder(spi, direction, aead);
    }

    public int spi() {
        return spi;
    }

    public Direction direction() {
        return direction;
    }

    public Inet4Address local() {
        return local;
    }

    public Inet4Address peer() {
        return peer;
    }

    public AeadAlgorithm algorithm() {
        return aead.algorithm();
    }

    /** The keyed cipher; only the SA's event loop may use it. */
    public Aead aead() {
        return aead;
    }

    public boolean esn() {
        return esn;
    }

    /** The inbound anti-replay window; null for an outbound SA. */
    public ReplayWindow replayWindow() {
        return replayWindow;
    }

    /** The inner addresses an inbound SA admits (RFC 4301 §5.2); {@link SaSelectors#ANY} unless set. */
    public SaSelectors selectors() {
        return selectors;
    }

    public long packets() {
        return packets;
    }

    public long bytes() {
        return bytes;
    }

    /** Last outbound sequence number handed out (0 before the first). */
    public long lastSequence() {
        return lastSequence;
    }

    public boolean isExpired() {
        return expired;
    }

    /** The lifetime limits this SA was built with. */
    public SaLifetime lifetime() {
        return lifetime;
    }

    /** Nanoseconds since the SA was created, on its clock; for monitoring. */
    public long ageNanos() {
        return clock.nanoTime() - createdNanos;
    }

    /**
     * How much of the hard lifetime is used: the largest of packets, octets and time over their
     * hard limits, 0 where a limit is {@link SaLifetime#UNLIMITED}. Reaches 1 when the SA expires
     * by its limits; an operator alerts before that, when rekeying failed to replace it.
     */
    public double hardLifetimeUsedRatio() {
        double ratio = usedRatio(packets, lifetime.hardPackets());
        ratio = Math.max(ratio, usedRatio(bytes, lifetime.hardBytes()));
        return Math.max(ratio, usedRatio(ageNanos(), lifetime.hardNanos()));
    }

    private static double usedRatio(long used, long hardLimit) {
        return hardLimit == SaLifetime.UNLIMITED ? 0 : Math.min(1.0, (double) used / hardLimit);
    }

    /**
     * The next outbound sequence number, or 0 (never a valid one, RFC 4303 §3.3.3) when the SA
     * has expired or its counter would cycle, in which case the SA expires (§3.3.3: the sender
     * must not cycle; a new SA is needed). Every {@link SequenceStore#block()} numbers this
     * reserves the next block durably before returning (synchronous I/O, rare by design).
     */
    public long nextSequence() {
        if (direction != Direction.OUTBOUND) {
            throw new IllegalStateException("sequence numbers are handed out by outbound SAs only: " + this);
        }
        if (expired) {
            return 0;
        }
        if (lastSequence == sequenceLimit) {
            expire();
            return 0;
        }
        long next = lastSequence + 1;
        if (Long.compareUnsigned(next, reservedSequence) > 0) {
            try {
                reserveBlock();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reserve sequence numbers for SPI " + spiHex(), e);
            }
        }
        lastSequence = next;
        return next;
    }

    /** False when the SA is expired or its hard time limit has passed (which expires it). */
    public boolean isUsable() {
        if (expired) {
            return false;
        }
        if (clock.nanoTime() - createdNanos >= lifetime.hardNanos()) {
            expire();
            return false;
        }
        return true;
    }

    /**
     * Applies the time limits without a packet, so an idle SA still warns at its soft lifetime and
     * expires at its hard one. Called periodically on the SA's event loop (its one writer).
     */
    public void checkLifetime() {
        if (!isUsable()) {
            return;
        }
        if (!softReached && clock.nanoTime() - createdNanos >= lifetime.softNanos()) {
            softReached = true;
            listener.softLimitReached(this);
        }
    }

    /**
     * Counts one packet of {@code length} octets against the lifetime. Returns false (and expires
     * the SA) when the packet would cross a hard limit; raises the soft-limit event once.
     */
    public boolean admit(int length) {
        if (expired) {
            return false;
        }
        long age = clock.nanoTime() - createdNanos;
        if (age >= lifetime.hardNanos() || packets >= lifetime.hardPackets()
                || lifetime.hardBytes() - bytes < length) {
            expire();
            return false;
        }
        packets++;
        bytes += length;
        if (!softReached && (age >= lifetime.softNanos() || packets >= lifetime.softPackets()
                || bytes >= lifetime.softBytes())) {
            softReached = true;
            listener.softLimitReached(this);
        }
        return true;
    }

    private void reserveBlock() throws IOException {
        long room = sequenceLimit - reservedSequence;
        long upTo = Long.compareUnsigned(room, sequenceStore.block()) <= 0
                ? sequenceLimit : reservedSequence + sequenceStore.block();
        sequenceStore.reserve(spi, upTo);
        reservedSequence = upTo;
    }

    private void expire() {
        if (!expired) {
            expired = true;
            listener.hardLimitReached(this);
        }
    }

    private String spiHex() {
        return String.format("0x%08x", spi);
    }

    @Override
    public String toString() {
        return "SA[" + spiHex() + " " + direction + " " + aead.algorithm().configName()
                + (esn ? " esn" : "") + " local=" + (local == null ? "-" : local.getHostAddress())
                + " peer=" + (peer == null ? "-" : peer.getHostAddress()) + "]";
    }

    /** Collects an SA's settings; {@link #build()} validates them. */
    public static final class Builder {
        private final int spi;
        private final Direction direction;
        private final Aead aead;
        private Inet4Address local;
        private Inet4Address peer;
        private boolean esn;
        private int replayWindow = ReplayWindow.DEFAULT_SIZE;
        private SaLifetime lifetime = SaLifetime.NONE;
        private SaSelectors selectors = SaSelectors.ANY;
        private Clock clock = Clock.system();
        private SaEventListener listener = SaEventListener.NONE;
        private SequenceStore sequenceStore;

        private Builder(int spi, Direction direction, Aead aead) {
            this.spi = spi;
            this.direction = Objects.requireNonNull(direction, "direction");
            this.aead = Objects.requireNonNull(aead, "aead");
        }

        public Builder addresses(Inet4Address local, Inet4Address peer) {
            this.local = local;
            this.peer = peer;
            return this;
        }

        public Builder esn(boolean esn) {
            this.esn = esn;
            return this;
        }

        public Builder replayWindow(int size) {
            this.replayWindow = size;
            return this;
        }

        public Builder lifetime(SaLifetime lifetime) {
            this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
            return this;
        }

        /** Inbound: the inner addresses the SA was negotiated (or configured) for. */
        public Builder selectors(SaSelectors selectors) {
            this.selectors = Objects.requireNonNull(selectors, "selectors");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public Builder listener(SaEventListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Required for outbound SAs: where used sequence numbers (and so IVs) are reserved. */
        public Builder sequenceStore(SequenceStore store) {
            this.sequenceStore = Objects.requireNonNull(store, "sequenceStore");
            return this;
        }

        public SecurityAssociation build() {
            if (direction == Direction.OUTBOUND && sequenceStore == null) {
                throw new IllegalStateException("an outbound SA needs a SequenceStore so IVs never repeat");
            }
            return new SecurityAssociation(this);
        }
    }
}
