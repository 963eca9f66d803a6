package espgw.config;

import espgw.ike.message.IdPayload;
import espgw.ike.session.EspAlgorithms;
import espgw.ike.session.IkeAlgorithms;
import espgw.ike.session.IkeAuthentication;
import espgw.ike.session.IkeLifetimes;
import espgw.linux.Inet4Addresses;
import espgw.nat.Ipv4Prefix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer keyed by IKEv2 (RFC 7296) instead of manual SAs: how it authenticates (a pre-shared key or
 * certificates), both identities, whether this end starts the exchange, the algorithms it accepts
 * and the timers of its SAs. {@link #toString()} never prints a key, and no config error repeats it.
 *
 * @param authentication from {@link IkeAuthConfig}
 * @param localId  the identity this end proves (IDi or IDr)
 * @param remoteId the identity the peer must prove
 * @param initiate true: this end starts IKE_SA_INIT at {@code up} and after a failure; false: it
 *                 only answers the peer
 * @param localTs  this end's traffic selectors (RFC 7296 §2.9): by default its own address
 * @param remoteTs the peer's: by default its address and its networks
 * @param lifetimes liveness check and rekey intervals: by default {@link IkeLifetimes#defaults()}
 */
public record IkeConfig(IkeAuthentication authentication, IdPayload localId, IdPayload remoteId, boolean initiate,
                        IkeAlgorithms ike, EspAlgorithms esp, List<Ipv4Prefix> localTs, List<Ipv4Prefix> remoteTs,
                        IkeLifetimes lifetimes) {
    /** A peer silent for an hour is long gone; a longer check interval would only hide that. */
    private static final long MAX_DPD_SECONDS = 3600;
    /** 30 days: beyond that a rekey no longer limits how much one key protects. */
    private static final long MAX_REKEY_SECONDS = 30L * 24 * 3600;

    public IkeConfig {
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
    }

    static IkeConfig from(ConfigNode node, int localAddress, int peerAddress, List<Ipv4Prefix> peerNetworks)
            throws ConfigException {
        IkeAuthentication authentication = IkeAuthConfig.from(node);
        IdPayload localId = identity(node, "local_id", node.string("local_id", Ipv4Prefix.format(localAddress)));
        IdPayload remoteId = identity(node, "remote_id", node.string("remote_id", Ipv4Prefix.format(peerAddress)));
        boolean initiate = node.bool("initiate", false);
        IkeAlgorithms ike = node.has("proposals")
                ? IkeProposals.ike(node, "proposals", node.strings("proposals")) : IkeAlgorithms.defaults();
        EspAlgorithms esp = node.has("esp_proposals")
                ? IkeProposals.esp(node, "esp_proposals", node.strings("esp_proposals"))
                : EspAlgorithms.defaults(ike.groups());
        List<Ipv4Prefix> defaultRemote = new ArrayList<>();
        defaultRemote.add(Ipv4Prefix.of(peerAddress, 32));
        defaultRemote.addAll(peerNetworks);
        List<Ipv4Prefix> localTs = selectors(node, "local_ts", List.of(Ipv4Prefix.of(localAddress, 32)));
        List<Ipv4Prefix> remoteTs = selectors(node, "remote_ts", defaultRemote);
        IkeLifetimes lifetimes = lifetimes(node);
        node.rejectUnknownFields();
        return new IkeConfig(authentication, localId, remoteId, initiate, ike, esp, localTs, remoteTs, lifetimes);
    }

    private static List<Ipv4Prefix> selectors(ConfigNode node, String field, List<Ipv4Prefix> defaults)
            throws ConfigException {
        if (!node.has(field)) {
            return defaults;
        }
        List<String> texts = node.strings(field);
        if (texts.isEmpty()) {
            throw node.error(field, "is empty: leave it out for the default");
        }
        List<Ipv4Prefix> prefixes = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            prefixes.add(GatewayConfig.prefix(node, field + "[" + i + "]", texts.get(i)));
        }
        return prefixes;
    }

    /**
     * {@code lifetimes:} in whole seconds, each 0 to turn it off. A rekey sooner than the other
     * end's is harmless: each end rekeys on its own timer (RFC 7296 §2.8).
     */
    private static IkeLifetimes lifetimes(ConfigNode ike) throws ConfigException {
        IkeLifetimes defaults = IkeLifetimes.defaults();
        ConfigNode node = ike.optionalChild("lifetimes");
        Duration dpd = seconds(node, "dpd_seconds", defaults.dpdInterval(), MAX_DPD_SECONDS);
        Duration dpdTimeout = seconds(node, "dpd_timeout_seconds", IkeLifetimes.defaultDpdTimeout(dpd),
                MAX_DPD_SECONDS * IkeLifetimes.DEFAULT_DPD_TIMEOUT_INTERVALS);
        Duration childRekey = seconds(node, "child_rekey_seconds", defaults.childRekey(), MAX_REKEY_SECONDS);
        Duration ikeRekey = seconds(node, "ike_rekey_seconds", defaults.ikeRekey(), MAX_REKEY_SECONDS);
        node.rejectUnknownFields();
        return new IkeLifetimes(dpd, dpdTimeout, childRekey, ikeRekey, defaults.jitterPercent());
    }

    private static Duration seconds(ConfigNode node, String field, Duration defaultValue, long max)
            throws ConfigException {
        return Duration.ofSeconds(node.integer(field, defaultValue.toSeconds(), 0, max));
    }

    /** An IPv4 address is ID_IPV4_ADDR, a name with '@' ID_RFC822_ADDR, any other name ID_FQDN (§3.5). */
    static IdPayload identity(ConfigNode node, String field, String text) throws ConfigException {
        if (text.isEmpty()) {
            throw node.error(field, "is empty");
        }
        if (text.matches("[0-9.]+")) {
            int address = GatewayConfig.address(node, field, text);
            return IdPayload.ipv4(true, Inet4Addresses.fromInt(address));
        }
        if (!text.matches("[\\x21-\\x7e]+")) {
            throw node.error(field, "'" + text + "' must be an IPv4 address, a host name or an email address");
        }
        return text.contains("@") ? IdPayload.rfc822(true, text) : IdPayload.fqdn(true, text);
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
        return "IkeConfig[" + localId.display() + " <-> " + remoteId.display() + " " + authentication
                + (initiate ? " initiate" : "") + "]";
    }
}
