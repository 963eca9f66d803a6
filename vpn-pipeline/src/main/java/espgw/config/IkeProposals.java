package espgw.config;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.crypto.Prf;
import espgw.ike.session.EspAlgorithms;
import espgw.ike.session.IkeAlgorithms;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads proposals written as strongSwan writes them ({@code aes128gcm16-prfsha256-x25519},
 * {@code chacha20poly1305-esn}, {@code aes128gcm16-x25519}): algorithm names joined by '-'. All
 * entries of a list together make one proposal, each algorithm in the order it first appears (the
 * order of preference).
 */
final class IkeProposals {
    private static final Map<String, IkeEncryption> ENCRYPTIONS = Map.of(
            "aes128gcm16", IkeEncryption.AES_GCM_16_128, "aes128gcm", IkeEncryption.AES_GCM_16_128,
            "aes256gcm16", IkeEncryption.AES_GCM_16_256, "aes256gcm", IkeEncryption.AES_GCM_16_256,
            "chacha20poly1305", IkeEncryption.CHACHA20_POLY1305);
    private static final Map<String, Prf> PRFS = Map.of(
            "prfsha256", Prf.PRF_HMAC_SHA2_256, "prfsha384", Prf.PRF_HMAC_SHA2_384,
            "prfsha512", Prf.PRF_HMAC_SHA2_512);
    private static final Map<String, KeyExchangeGroup> GROUPS = Map.of(
            "x25519", KeyExchangeGroup.CURVE25519, "curve25519", KeyExchangeGroup.CURVE25519,
            "ecp256", KeyExchangeGroup.ECP_256);
    private static final Map<String, Boolean> ESN = Map.of("esn", true, "noesn", false);
    /** strongSwan's D-H group NONE: an ESP proposal naming it and groups makes PFS optional. */
    private static final String NO_PFS = "modpnone";

    private IkeProposals() {
    }

    /** The IKE SA's algorithms: at least one encryption, PRF and group among the entries. */
    static IkeAlgorithms ike(ConfigNode node, String field, List<String> entries) throws ConfigException {
        List<IkeEncryption> encryptions = new ArrayList<>();
        List<Prf> prfs = new ArrayList<>();
        List<KeyExchangeGroup> groups = new ArrayList<>();
        for (String name : names(node, field, entries)) {
            if (!addIfKnown(ENCRYPTIONS, name, encryptions) && !addIfKnown(PRFS, name, prfs)
                    && !addIfKnown(GROUPS, name, groups)) {
                throw unknown(node, field, name, "an IKE algorithm: " + known(ENCRYPTIONS, PRFS, GROUPS));
            }
        }
        if (encryptions.isEmpty() || prfs.isEmpty() || groups.isEmpty()) {
            throw node.error(field,
                    "needs an encryption, a PRF and a key exchange group, e.g. aes128gcm16-prfsha256-x25519");
        }
        return new IkeAlgorithms(encryptions, prfs, groups);
    }

    /**
     * The CHILD SAs' algorithms: at least one encryption; ESN and no ESN both accepted unless named.
     * Groups are for PFS in CREATE_CHILD_SA, as strongSwan's: named in every entry, PFS is required;
     * in none, there is none; in some only, or with {@code modpnone}, PFS is optional.
     */
    static EspAlgorithms esp(ConfigNode node, String field, List<String> entries) throws ConfigException {
        List<IkeEncryption> encryptions = new ArrayList<>();
        List<Boolean> esn = new ArrayList<>();
        List<KeyExchangeGroup> groups = new ArrayList<>();
        boolean withoutPfs = false;
        for (String entry : lowerCase(node, field, entries)) {
            boolean entryHasGroup = false;
            for (String written : entry.split("-")) {
                String name = written.trim();
                if (name.equals(NO_PFS)) {
                    withoutPfs = true;
                } else if (addIfKnown(GROUPS, name, groups)) {
                    entryHasGroup = true;
                } else if (!addIfKnown(ENCRYPTIONS, name, encryptions) && !addIfKnown(ESN, name, esn)) {
                    throw unknown(node, field, name, "an ESP algorithm: " + known(ENCRYPTIONS, ESN, GROUPS)
                            + ", " + NO_PFS);
                }
            }
            withoutPfs |= !entryHasGroup;
        }
        if (encryptions.isEmpty()) {
            throw node.error(field, "needs an encryption, e.g. aes128gcm16 or chacha20poly1305");
        }
        return new EspAlgorithms(encryptions, esn.isEmpty() ? List.of(true, false) : esn, groups, withoutPfs);
    }

    private static List<String> names(ConfigNode node, String field, List<String> entries) throws ConfigException {
        List<String> names = new ArrayList<>();
        for (String entry : lowerCase(node, field, entries)) {
            for (String name : entry.split("-")) {
                names.add(name.trim());
            }
        }
        return names;
    }

    private static List<String> lowerCase(ConfigNode node, String field, List<String> entries)
            throws ConfigException {
        if (entries.isEmpty()) {
            throw node.error(field, "is empty: leave it out for the defaults");
        }
        return entries.stream().map(String::toLowerCase).toList();
    }

    private static <T> boolean addIfKnown(Map<String, T> table, String name, List<T> into) {
        T value = table.get(name);
        if (value == null) {
            return false;
        }
        if (!into.contains(value)) {
            into.add(value);
        }
        return true;
    }

    private static ConfigException unknown(ConfigNode node, String field, String name, String what) {
        return node.error(field, "'" + name + "' is not " + what);
    }

    @SafeVarargs
    private static String known(Map<String, ?>... tables) {
        List<String> names = new ArrayList<>();
        for (Map<String, ?> table : tables) {
            table.keySet().stream().sorted().forEach(names::add);
        }
        return String.join(", ", names);
    }
}
