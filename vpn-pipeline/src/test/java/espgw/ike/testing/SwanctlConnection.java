package espgw.ike.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One IKEv2 connection with one CHILD SA (tunnel mode), as a strongSwan peer in a test is configured
 * in swanctl.conf. Unset durations leave charon's defaults. {@link #swanctlConf()} renders the
 * {@code connections} entry, {@link #secretsConf()} the matching {@code secrets} entry.
 */
public record SwanctlConnection(
        String name,
        String localAddress,
        String remoteAddress,
        String localId,
        String remoteId,
        Authentication authentication,
        String proposals,
        String espProposals,
        String localTs,
        String remoteTs,
        Duration ikeRekeyTime,
        Duration childRekeyTime,
        Duration childLifeTime,
        Duration childRandTime,
        Duration dpdDelay,
        boolean encap) {

    public SwanctlConnection {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(localAddress, "localAddress");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(localId, "localId");
        Objects.requireNonNull(remoteId, "remoteId");
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(proposals, "proposals");
        Objects.requireNonNull(espProposals, "espProposals");
        Objects.requireNonNull(localTs, "localTs");
        Objects.requireNonNull(remoteTs, "remoteTs");
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("connection name must be a plain word: " + name);
        }
    }

    /** How both ends authenticate: both with the same PSK, or both with certificates. */
    public sealed interface Authentication permits Psk, Certificates {
    }

    public record Psk(String secret) implements Authentication {
        @Override
        public String toString() {
            return "Psk[secret=<not shown>]";
        }
    }

    /** Our certificate and private key, and the CA certificate that the peer's certificate is checked against. */
    public record Certificates(Path certificate, Path privateKey, Path caCertificate) implements Authentication {
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The entry under {@code connections { }}; the CHILD SA has the connection's name. */
    public String swanctlConf() {
        String auth = authentication instanceof Psk ? "psk" : "pubkey";
        String certs = authentication instanceof Certificates c
                ? "      certs = " + c.certificate().getFileName() + "\n" : "";
        return "  " + name + " {\n"
                + "    version = 2\n"
                + "    local_addrs = " + localAddress + "\n"
                + "    remote_addrs = " + remoteAddress + "\n"
                + "    proposals = " + proposals + "\n"
                + "    encap = " + (encap ? "yes" : "no") + "\n"
                + seconds("    rekey_time", ikeRekeyTime)
                + seconds("    dpd_delay", dpdDelay)
                + "    local {\n      auth = " + auth + "\n      id = " + localId + "\n" + certs + "    }\n"
                + "    remote {\n      auth = " + auth + "\n      id = " + remoteId + "\n    }\n"
                + "    children {\n"
                + "      " + name + " {\n"
                + "        local_ts = " + localTs + "\n"
                + "        remote_ts = " + remoteTs + "\n"
                + "        esp_proposals = " + espProposals + "\n"
                + seconds("        rekey_time", childRekeyTime)
                + seconds("        life_time", childLifeTime)
                + seconds("        rand_time", childRandTime)
                + "      }\n"
                + "    }\n"
                + "  }\n";
    }

    /** The entry under {@code secrets { }}: the PSK for both identities, or our private key file. */
    public String secretsConf() {
        if (authentication instanceof Psk psk) {
            if (psk.secret().contains("\"")) {
                throw new IllegalArgumentException("a PSK in swanctl.conf cannot contain a double quote");
            }
            return "  ike-" + name + " {\n    id-1 = " + localId + "\n    id-2 = " + remoteId
                    + "\n    secret = \"" + psk.secret() + "\"\n  }\n";
        }
        Certificates certificates = (Certificates) authentication;
        return "  private-" + name + " {\n    file = " + certificates.privateKey().getFileName() + "\n  }\n";
    }

    private static String seconds(String key, Duration duration) {
        return duration == null ? "" : key + " = " + duration.toSeconds() + "s\n";
    }

    public static final class Builder {
        private final String name;
        private String localAddress;
        private String remoteAddress;
        private String localId;
        private String remoteId;
        private Authentication authentication;
        private String proposals = "default";
        private String espProposals = "default";
        private String localTs;
        private String remoteTs;
        private Duration ikeRekeyTime;
        private Duration childRekeyTime;
        private Duration childLifeTime;
        private Duration childRandTime;
        private Duration dpdDelay;
        private boolean encap;

        private Builder(String name) {
            this.name = name;
        }

        public Builder local(String address, String id) {
            this.localAddress = address;
            this.localId = id;
            return this;
        }

        public Builder remote(String address, String id) {
            this.remoteAddress = address;
            this.remoteId = id;
            return this;
        }

        public Builder authentication(Authentication value) {
            this.authentication = value;
            return this;
        }

        /** IKE proposals, e.g. {@code aes128gcm16-prfsha256-x25519}, and ESP proposals, e.g. {@code aes128gcm16}. */
        public Builder proposals(String ike, String esp) {
            this.proposals = ike;
            this.espProposals = esp;
            return this;
        }

        /** Traffic selectors of the CHILD SA, e.g. {@code 198.51.100.1/32}. */
        public Builder trafficSelectors(String local, String remote) {
            this.localTs = local;
            this.remoteTs = remote;
            return this;
        }

        public Builder ikeRekeyTime(Duration value) {
            this.ikeRekeyTime = value;
            return this;
        }

        public Builder childLifetimes(Duration rekeyTime, Duration lifeTime) {
            this.childRekeyTime = rekeyTime;
            this.childLifeTime = lifeTime;
            return this;
        }

        /** Up to how much earlier than its rekey time charon rekeys a CHILD SA (default: life time minus rekey time). */
        public Builder childRandTime(Duration value) {
            this.childRandTime = value;
            return this;
        }

        public Builder dpdDelay(Duration value) {
            this.dpdDelay = value;
            return this;
        }

        /** Forces ESP in UDP by faking a NAT; kernel-libipsec does so anyway. */
        public Builder encap(boolean value) {
            this.encap = value;
            return this;
        }

        public SwanctlConnection build() {
            return new SwanctlConnection(name, localAddress, remoteAddress, localId, remoteId, authentication,
                    proposals, espProposals, localTs, remoteTs, ikeRekeyTime, childRekeyTime, childLifeTime,
                    childRandTime, dpdDelay, encap);
        }
    }
}
