package espgw.metrics;

import espgw.sa.SecurityAssociation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What {@code GET /status} answers and {@code espgw status} shows: the instance, its peers with
 * their traffic, SAs and IKE state, and the drops per reason. Serialised as JSON with the record component
 * names as keys. Identities and counters only: no key material.
 *
 * @param uptimeSeconds seconds since the daemon started
 * @param drops drop count per {@link espgw.drop.DropReason#label()}
 */
public record StatusReport(String instance, long uptimeSeconds, List<Peer> peers, Map<String, Long> drops) {
    public StatusReport {
        peers = List.copyOf(peers);
        drops = Collections.unmodifiableMap(new LinkedHashMap<>(drops)); // keeps DropReason order
    }

    /**
     * @param address the peer's real (outer) IPv4 address
     * @param sameSubnet whether the peer is on the gateway's own LAN subnet
     * @param steering at a client, how its packets for a same-subnet peer enter the tunnel; null for
     *        other peers and on a server
     * @param lastTrafficSecondsAgo seconds since a packet went to or came from the peer; null if never
     * @param ike the peer's IKE state; null for a peer with manual keys
     */
    public record Peer(String name, String address, boolean sameSubnet, Steering steering, Long lastTrafficSecondsAgo,
            long packetsIn, long bytesIn, long packetsOut, long bytesOut, List<Sa> sas, IkeStatus ike) {
        public Peer {
            sas = List.copyOf(sas);
        }
    }

    /**
     * How a client steers its packets for a peer on its own LAN subnet into the tunnel (its
     * {@code same_subnet}).
     *
     * @param mode {@link #OFFSET} or {@link #ROUTE}
     * @param offsetAddress with {@link #OFFSET}, the address the DNAT sends the peer's packets to;
     *        null with {@link #ROUTE}
     */
    public record Steering(String mode, String offsetAddress) {
        /** The seed's scheme: a DNAT to the peer's address in the offset network. */
        public static final String OFFSET = "offset";
        /** A host route to the peer in espgw's table. */
        public static final String ROUTE = "route";
        public static final Steering ROUTED = new Steering(ROUTE, null);

        public static Steering offset(String offsetAddress) {
            return new Steering(OFFSET, offsetAddress);
        }

        /** {@code via 198.18.0.161} or {@code routed}, as {@code espgw up} and {@code espgw status} say it. */
        public String describe() {
            return OFFSET.equals(mode) ? "via " + offsetAddress : "routed";
        }
    }

    /**
     * @param spi {@code 0x} and eight hex digits, as {@code ip xfrm} and Wireshark print it
     * @param direction {@code in} or {@code out}
     * @param algorithm the config name, e.g. {@code aes-gcm-128}
     * @param state {@link #ACTIVE}, {@link #PENDING} or {@link #REPLACED}
     */
    public record Sa(String spi, String direction, String algorithm, long ageSeconds, long packets,
            long bytes, boolean esn, String state) {
        /** In force: the peer's packets are sent or received under it. */
        public static final String ACTIVE = "active";
        /**
         * The pair of the peer's CHILD SA rekey (RFC 7296 §2.8): its inbound SA decrypts already, its outbound
         * SA is used once the peer deletes the old pair.
         */
        public static final String PENDING = "pending";
        /** An inbound SA a rekey replaced, still decrypting packets in flight for a few seconds. */
        public static final String REPLACED = "replaced";

        public static Sa of(SecurityAssociation sa, String state) {
            return new Sa(spiHex(sa.spi()), GatewayMetrics.directionLabel(sa.direction()),
                    sa.algorithm().configName(), TimeUnit.NANOSECONDS.toSeconds(sa.ageNanos()),
                    sa.packets(), sa.bytes(), sa.esn(), state);
        }

        static String spiHex(int spi) {
            return String.format("0x%08x", spi);
        }
    }
}
