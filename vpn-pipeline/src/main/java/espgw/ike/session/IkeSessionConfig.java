package espgw.ike.session;

import espgw.ike.message.IdPayload;
import espgw.ike.message.TrafficSelector;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * One peer as an IKE session sees it: both identities, how they authenticate (a pre-shared key or
 * certificates), the algorithms, the traffic selectors (this end's networks and the peer's) and
 * the UDP addresses, which only the NAT detection hashes use, and the timers of the established IKE
 * SA. {@link #toString()} never prints a key.
 *
 * @param localId this end's identity (the role flag of the payload does not matter)
 * @param remoteId the identity the peer must prove
 * @param lifetimes liveness check and rekey times ({@link IkeLifetimes#defaults()} unless given)
 * @param inboundSpis where this end's inbound ESP SPIs come from ({@link InboundSpiSource#RANDOM}
 *                    unless given)
 */
public record IkeSessionConfig(IdPayload localId, IdPayload remoteId, IkeAuthentication authentication,
        IkeAlgorithms ike, EspAlgorithms esp, List<TrafficSelector> localTrafficSelectors, List<TrafficSelector> remoteTrafficSelectors,
        InetSocketAddress localAddress, InetSocketAddress remoteAddress, IkeLifetimes lifetimes,
        InboundSpiSource inboundSpis) {
    public IkeSessionConfig {
        Objects.requireNonNull(lifetimes, "lifetimes");
        Objects.requireNonNull(inboundSpis, "inboundSpis");
        Objects.requireNonNull(localId, "localId");
        Objects.requireNonNull(remoteId, "remoteId");
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(ike, "ike");
        Objects.requireNonNull(esp, "esp");
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        localTrafficSelectors = List.copyOf(localTrafficSelectors);
        remoteTrafficSelectors = List.copyOf(remoteTrafficSelectors);
        if (localTrafficSelectors.isEmpty() || remoteTrafficSelectors.isEmpty()) {
            throw new IllegalArgumentException("traffic selectors: at least one on each side");
        }
    }

    /** With SPIs at random. */
    public IkeSessionConfig(IdPayload localId, IdPayload remoteId, IkeAuthentication authentication, IkeAlgorithms ike,
            EspAlgorithms esp, List<TrafficSelector> localTrafficSelectors,
            List<TrafficSelector> remoteTrafficSelectors, InetSocketAddress localAddress,
            InetSocketAddress remoteAddress, IkeLifetimes lifetimes) {
        this(localId, remoteId, authentication, ike, esp, localTrafficSelectors, remoteTrafficSelectors, localAddress,
                remoteAddress, lifetimes, InboundSpiSource.RANDOM);
    }

    /** With the default timers. */
    public IkeSessionConfig(IdPayload localId, IdPayload remoteId, IkeAuthentication authentication, IkeAlgorithms ike,
            EspAlgorithms esp, List<TrafficSelector> localTrafficSelectors,
            List<TrafficSelector> remoteTrafficSelectors, InetSocketAddress localAddress,
            InetSocketAddress remoteAddress) {
        this(localId, remoteId, authentication, ike, esp, localTrafficSelectors, remoteTrafficSelectors, localAddress,
                remoteAddress, IkeLifetimes.defaults());
    }

    /** Authentication with a pre-shared key on both ends. */
    public IkeSessionConfig(IdPayload localId, IdPayload remoteId, byte[] preSharedKey, IkeAlgorithms ike,
            EspAlgorithms esp, List<TrafficSelector> localTrafficSelectors,
            List<TrafficSelector> remoteTrafficSelectors, InetSocketAddress localAddress,
            InetSocketAddress remoteAddress) {
        this(localId, remoteId, new IkeAuthentication.PreSharedKey(preSharedKey), ike, esp, localTrafficSelectors,
                remoteTrafficSelectors, localAddress, remoteAddress);
    }

    /**
     * The pre-shared key.
     *
     * @throws IllegalStateException when this peer authenticates with certificates
     */
    public byte[] preSharedKey() {
        if (authentication instanceof IkeAuthentication.PreSharedKey psk) {
            return psk.key();
        }
        throw new IllegalStateException("this peer authenticates with certificates, not a pre-shared key");
    }

    /** The same peer with other algorithms (tests and per-peer overrides). */
    public IkeSessionConfig withAlgorithms(IkeAlgorithms newIke, EspAlgorithms newEsp) {
        return new IkeSessionConfig(localId, remoteId, authentication, newIke, newEsp, localTrafficSelectors,
                remoteTrafficSelectors, localAddress, remoteAddress, lifetimes, inboundSpis);
    }

    /** The same peer with other timers. */
    public IkeSessionConfig withLifetimes(IkeLifetimes newLifetimes) {
        return new IkeSessionConfig(localId, remoteId, authentication, ike, esp, localTrafficSelectors,
                remoteTrafficSelectors, localAddress, remoteAddress, newLifetimes, inboundSpis);
    }

    /** The same peer with SPIs from {@code source}, e.g. one shared by all peers of a gateway. */
    public IkeSessionConfig withInboundSpis(InboundSpiSource source) {
        return new IkeSessionConfig(localId, remoteId, authentication, ike, esp, localTrafficSelectors,
                remoteTrafficSelectors, localAddress, remoteAddress, lifetimes, source);
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "IkeSessionConfig[" + localId.display() + " <-> " + remoteId.display() + " " + authentication + " "
                + localTrafficSelectors + " <-> " + remoteTrafficSelectors + "]";
    }
}
