package espgw.ike.session;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.message.Proposal;
import espgw.ike.message.ProtocolId;
import espgw.ike.message.Transform;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What this end accepts for ESP CHILD SAs, in order of preference: AEAD encryptions, the Extended
 * Sequence Numbers choices (true = ESN, RFC 4303 §2.2.1) and, as strongSwan's ESP proposals, the
 * key exchange groups for PFS in CREATE_CHILD_SA (RFC 7296 §1.3.1, §1.3.3; IKE_AUTH's first CHILD
 * SA has no key exchange of its own, §1.2). No groups: no PFS. Groups and {@code withoutPfs}: PFS
 * optional (strongSwan's {@code modpnone}), in one of the groups when the peer does it too.
 *
 * @param withoutPfs whether a CHILD SA without PFS is acceptable; always so when there are no groups
 */
public record EspAlgorithms(List<IkeEncryption> encryptions, List<Boolean> esn, List<KeyExchangeGroup> groups,
        boolean withoutPfs) {
    public EspAlgorithms {
        encryptions = List.copyOf(encryptions);
        esn = List.copyOf(esn);
        groups = List.copyOf(groups);
        withoutPfs |= groups.isEmpty();
        if (encryptions.isEmpty() || esn.isEmpty()) {
            throw new IllegalArgumentException("an ESP proposal needs at least one encryption and one ESN choice");
        }
    }

    /** Without PFS, as strongSwan's ESP proposals that name no group. */
    public EspAlgorithms(List<IkeEncryption> encryptions, List<Boolean> esn) {
        this(encryptions, esn, List.of(), true);
    }

    /** {@link #defaults(List)} with the default IKE groups. */
    public static EspAlgorithms defaults() {
        return defaults(IkeAlgorithms.defaults().groups());
    }

    /**
     * AES-GCM-256, ChaCha20-Poly1305, AES-GCM-128; ESN preferred, none accepted; PFS in the IKE SA's
     * groups when the peer does PFS, none when its proposals name no group (strongSwan's default).
     */
    public static EspAlgorithms defaults(List<KeyExchangeGroup> ikeGroups) {
        return new EspAlgorithms(List.of(IkeEncryption.AES_GCM_16_256, IkeEncryption.CHACHA20_POLY1305,
                IkeEncryption.AES_GCM_16_128), List.of(true, false), ikeGroups, true);
    }

    /**
     * The group of our KE in CREATE_CHILD_SA: the IKE SA's if we accept it for PFS (the peer
     * evidently does it), else our first; empty without groups (no PFS, no KE).
     */
    public Optional<KeyExchangeGroup> keyExchangeGroup(KeyExchangeGroup ikeSaGroup) {
        return groups.contains(ikeSaGroup) ? Optional.of(ikeSaGroup) : groups.stream().findFirst();
    }

    /**
     * §1.2, §3.3.1: the one ESP proposal of IKE_AUTH carrying our inbound SPI; §3.3.3: ENCR and ESN,
     * no INTEG with AEAD, and no D-H transform (§1.2: IKE_AUTH has no KE; omitted rather than NONE).
     */
    public Proposal proposal(int inboundSpi) {
        return new Proposal(1, ProtocolId.ESP, spi(inboundSpi), encryptionAndEsn());
    }

    /**
     * §1.3.1, §1.3.3: the ESP proposal of CREATE_CHILD_SA: with a KE, its group first (§1.3: the
     * group we expect the responder to accept), our other groups, then NONE if PFS is optional.
     */
    public Proposal proposal(int inboundSpi, Optional<KeyExchangeGroup> ke) {
        List<Transform> transforms = encryptionAndEsn();
        ke.ifPresent(group -> {
            transforms.add(group.transform());
            groups.stream().filter(g -> g != group).forEach(g -> transforms.add(g.transform()));
            if (withoutPfs) {
                transforms.add(Transform.of(Transform.TYPE_DH, Transform.GROUP_NONE));
            }
        });
        return new Proposal(1, ProtocolId.ESP, spi(inboundSpi), transforms);
    }

    private List<Transform> encryptionAndEsn() {
        List<Transform> transforms = new ArrayList<>();
        encryptions.forEach(e -> transforms.add(e.transform()));
        esn.forEach(on -> transforms.add(esnTransform(on)));
        return transforms;
    }

    private static byte[] spi(int inboundSpi) {
        return ByteBuffer.allocate(4).putInt(inboundSpi).array();
    }

    static Transform esnTransform(boolean on) {
        return Transform.of(Transform.TYPE_ESN, on ? Transform.ESN_YES : Transform.ESN_NO);
    }
}
