package espgw.nat;

import io.netty.util.collection.IntObjectHashMap;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's fake addresses, one per inner address of each client: a client (a peer gateway)
 * may carry traffic from many inner addresses, and each (client, inner address) pair gets its own
 * fake address from this pool the first time it is seen, and keeps it until {@link #release},
 * when the client's SA goes away. Replies to a fake address find the client and its real address
 * here.
 *
 * <p>Threading: lookups ({@link #bindingOf}, {@link #bindingOfFake}) run per packet on any event
 * loop, lock-free and allocation-free, on an immutable snapshot published through a volatile
 * field. Changes ({@link #bind}, {@link #release}) are rare, serialized by the monitor, and copy
 * the snapshot. Freed addresses are handed out again last (next-fit), so a lingering conntrack
 * entry for a departed client is unlikely to catch a newcomer's flow.
 */
public final class ClientAddressPool {
    private static final Logger LOG = LoggerFactory.getLogger(ClientAddressPool.class);
    private static final int MIN_PREFIX_LENGTH = 8;
    private static final int MAX_PREFIX_LENGTH = 30;

    /** One client's mapping. */
    public static final class Binding {
        private final Object client;
        private final int realAddress;
        private final int fakeAddress;

        Binding(Object client, int realAddress, int fakeAddress) {
            this.client = client;
            this.realAddress = realAddress;
            this.fakeAddress = fakeAddress;
        }

        public Object client() {
            return client;
        }

        public int realAddress() {
            return realAddress;
        }

        public int fakeAddress() {
            return fakeAddress;
        }
    }

    private static final class Snapshot {
        /** client → (real inner address → binding); the inner maps are never changed once published. */
        final Map<Object, IntObjectHashMap<Binding>> byClient;
        final IntObjectHashMap<Binding> byFake;

        Snapshot(Map<Object, IntObjectHashMap<Binding>> byClient, IntObjectHashMap<Binding> byFake) {
            this.byClient = byClient;
            this.byFake = byFake;
        }
    }

    private final Ipv4Prefix pool;
    private final int hostCount;
    private final BitSet used;
    private int cursor;
    private boolean exhaustionLogged;
    private volatile Snapshot snapshot = new Snapshot(new HashMap<>(), new IntObjectHashMap<>());

    /**
     * @param pool where fake addresses come from (e.g. 100.64.0.0/16, RFC 6598 shared space); it
     *     must be routed into the TUN and must not hold any real address. The all-zeros and
     *     all-ones host addresses are never handed out.
     */
    public ClientAddressPool(Ipv4Prefix pool) {
        if (pool.length() < MIN_PREFIX_LENGTH || pool.length() > MAX_PREFIX_LENGTH) {
            throw new IllegalArgumentException("client address pool " + pool + " must have a prefix"
                    + " length between /" + MIN_PREFIX_LENGTH + " and /" + MAX_PREFIX_LENGTH);
        }
        this.pool = pool;
        this.hostCount = (int) pool.size() - 2;
        this.used = new BitSet(hostCount);
    }

    public Ipv4Prefix pool() {
        return pool;
    }

    /** True when {@code address} lies in the pool, bound or not. */
    public boolean contains(int address) {
        return pool.contains(address);
    }

    /** The mapping of the client's inner address, or {@code null} if it has none yet. Lock-free, no boxing. */
    public Binding bindingOf(Object client, int realAddress) {
        IntObjectHashMap<Binding> addresses = snapshot.byClient.get(client);
        return addresses == null ? null : addresses.get(realAddress);
    }

    /** The mapping that owns a fake address, or {@code null}. Lock-free, no boxing. */
    public Binding bindingOfFake(int fakeAddress) {
        return snapshot.byFake.get(fakeAddress);
    }

    /**
     * The mapping of the client's inner address, made now if it has none.
     *
     * @return the mapping, or {@code null} when the pool is exhausted (logged once per episode)
     */
    public synchronized Binding bind(Object client, int realAddress) {
        Snapshot current = snapshot;
        Binding existing = bindingOf(client, realAddress);
        if (existing != null) {
            return existing;
        }
        int host = nextFreeHost();
        if (host < 0) {
            if (!exhaustionLogged) {
                exhaustionLogged = true;
                LOG.warn("client address pool {} is exhausted ({} clients); new clients are dropped"
                        + " until one goes away", pool, hostCount);
            }
            return null;
        }
        used.set(host);
        cursor = host + 1;
        Binding binding = new Binding(client, realAddress, pool.network() + 1 + host);
        Map<Object, IntObjectHashMap<Binding>> byClient = new HashMap<>(current.byClient);
        IntObjectHashMap<Binding> addresses = new IntObjectHashMap<>();
        IntObjectHashMap<Binding> previous = current.byClient.get(client);
        if (previous != null) {
            addresses.putAll(previous);
        }
        addresses.put(realAddress, binding);
        byClient.put(client, addresses);
        IntObjectHashMap<Binding> byFake = new IntObjectHashMap<>(current.byFake.size() + 1);
        byFake.putAll(current.byFake);
        byFake.put(binding.fakeAddress, binding);
        snapshot = new Snapshot(byClient, byFake);
        return binding;
    }

    /** Frees all fake addresses of the client; a no-op for a client without any. */
    public synchronized void release(Object client) {
        Snapshot current = snapshot;
        IntObjectHashMap<Binding> addresses = current.byClient.get(client);
        if (addresses == null) {
            return;
        }
        Map<Object, IntObjectHashMap<Binding>> byClient = new HashMap<>(current.byClient);
        byClient.remove(client);
        IntObjectHashMap<Binding> byFake = new IntObjectHashMap<>(current.byFake.size());
        byFake.putAll(current.byFake);
        for (Binding binding : addresses.values()) {
            byFake.remove(binding.fakeAddress);
            used.clear(binding.fakeAddress - pool.network() - 1);
        }
        snapshot = new Snapshot(byClient, byFake);
        exhaustionLogged = false;
    }

    /** Number of fake addresses handed out. */
    public int size() {
        return snapshot.byFake.size();
    }

    private int nextFreeHost() {
        int host = used.nextClearBit(cursor);
        if (host < hostCount) {
            return host;
        }
        host = used.nextClearBit(0);
        return host < hostCount ? host : -1;
    }
}
