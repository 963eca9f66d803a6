package espgw.config;

import espgw.ike.message.IdPayload;
import espgw.ike.session.EspAlgorithms;
import espgw.ike.session.IkeAlgorithms;
import espgw.nat.Ipv4Prefix;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer keyed by IKEv2 (RFC 7296) instead of manual SAs: the pre-shared key, both identities,
 * whether this end starts the exchange, and the algorithms it accepts. {@link #toString()} never
 * prints the key, and no config error repeats it.
 *
 * @param localId  the identity this end proves (IDi or IDr)
 * @param remoteId the identity the peer must prove
 * @param initiate true: this end starts IKE_SA_INIT at {@code up} and after a failure; false: it
 *                 only answers the peer
 * @param localTs  this end's traffic selectors (RFC 7296 §2.9): by default its own address
 * @param remoteTs the peer's: by default its address and its networks
 */
public record IkeConfig(byte[] preSharedKey, IdPayload localId, IdPayload remoteId, boolean initiate,
                        IkeAlgorithms ike, EspAlgorithms esp, List<Ipv4Prefix> localTs, List<Ipv4Prefix> remoteTs) {
    /** Short keys fall to offline guessing from one captured IKE_AUTH (RFC 7296 §2.15). */
    static final int MIN_PSK_LENGTH = 16;

    public IkeConfig {
        preSharedKey = preSharedKey.clone();
        localTs = List.copyOf(localTs);
        remoteTs = List.copyOf(remoteTs);
    }

    @Override
    public byte[] preSharedKey() {
        return preSharedKey.clone();
    }

    static IkeConfig from(ConfigNode node, int localAddress, int peerAddress, List<Ipv4Prefix> peerNetworks)
            throws ConfigException {
        byte[] psk = preSharedKey(node);
        IdPayload localId = identity(node, "local_id", node.string("local_id", Ipv4Prefix.format(localAddress)));
        IdPayload remoteId = identity(node, "remote_id", node.string("remote_id", Ipv4Prefix.format(peerAddress)));
        boolean initiate = node.bool("initiate", false);
        IkeAlgorithms ike = node.has("proposals")
                ? IkeProposals.ike(node, "proposals", node.strings("proposals")) : IkeAlgorithms.defaults();
        EspAlgorithms esp = node.has("esp_proposals")
                ? IkeProposals.esp(node, "esp_proposals", node.strings("esp_proposals")) : EspAlgorithms.defaults();
        List<Ipv4Prefix> defaultRemote = new ArrayList<>();
        defaultRemote.add(Ipv4Prefix.of(peerAddress, 32));
        defaultRemote.addAll(peerNetworks);
        List<Ipv4Prefix> localTs = selectors(node, "local_ts", List.of(Ipv4Prefix.of(localAddress, 32)));
        List<Ipv4Prefix> remoteTs = selectors(node, "remote_ts", defaultRemote);
        node.rejectUnknownFields();
        return new IkeConfig(psk, localId, remoteId, initiate, ike, esp, localTs, remoteTs);
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

    /** {@code psk_file} (the key is the file's first line) or, for labs, {@code psk} in the config itself. */
    private static byte[] preSharedKey(ConfigNode node) throws ConfigException {
        boolean inFile = node.has("psk_file");
        if (inFile == node.has("psk")) {
            throw node.error(null, "give exactly one of psk_file (a file holding the pre-shared key) or psk");
        }
        String key;
        if (inFile) {
            Path file = Path.of(node.string("psk_file"));
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                key = lines.isEmpty() ? "" : lines.get(0).trim();
            } catch (IOException e) {
                throw node.error("psk_file", "cannot read " + file + ": " + e.getClass().getSimpleName());
            }
        } else {
            key = node.string("psk");
        }
        if (key.length() < MIN_PSK_LENGTH) {
            throw node.error(inFile ? "psk_file" : "psk", "the pre-shared key is shorter than " + MIN_PSK_LENGTH
                    + " characters");
        }
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** An IPv4 address is ID_IPV4_ADDR, a name with '@' ID_RFC822_ADDR, any other name ID_FQDN (§3.5). */
    static IdPayload identity(ConfigNode node, String field, String text) throws ConfigException {
        if (text.isEmpty()) {
            throw node.error(field, "is empty");
        }
        if (text.matches("[0-9.]+")) {
            int address = GatewayConfig.address(node, field, text);
            return IdPayload.ipv4(true, inet(address));
        }
        if (!text.matches("[\\x21-\\x7e]+")) {
            throw node.error(field, "'" + text + "' must be an IPv4 address, a host name or an email address");
        }
        return text.contains("@") ? IdPayload.rfc822(true, text) : IdPayload.fqdn(true, text);
    }

    private static Inet4Address inet(int address) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {
                (byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
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
        return "IkeConfig[" + localId.display() + " <-> " + remoteId.display() + " psk=<redacted>"
                + (initiate ? " initiate" : "") + "]";
    }
}
