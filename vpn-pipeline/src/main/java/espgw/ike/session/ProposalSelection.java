package espgw.ike.session;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.crypto.Prf;
import espgw.ike.message.Proposal;
import espgw.ike.message.ProtocolId;
import espgw.ike.message.SaPayload;
import espgw.ike.message.Transform;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Proposal choice per RFC 7296 §2.7 and §3.3.6: the responder takes the first acceptable proposal
 * and, within it, the first acceptable transform of each type (the initiator's order of
 * preference); the initiator checks that the answer is one of its offers, one transform per type.
 * A proposal with an unknown transform type, an integrity algorithm beside an AEAD, or a transform
 * with an attribute we do not understand is not acceptable.
 */
final class ProposalSelection {
    /** The algorithms of an IKE SA and the number of the proposal they came from. */
    record IkeSuite(int proposalNumber, IkeEncryption encryption, Prf prf, KeyExchangeGroup group) {
        Proposal toProposal() {
            return new Proposal(proposalNumber, ProtocolId.IKE, new byte[0],
                    List.of(encryption.transform(), prf.transform(), group.transform()));
        }
    }

    /**
     * The algorithms of an ESP CHILD SA and the SPI the proposal's sender receives on.
     *
     * @param group the key exchange group of its PFS; empty without (always so in IKE_AUTH)
     */
    record EspSuite(int proposalNumber, int senderSpi, IkeEncryption encryption, boolean esn,
            Optional<KeyExchangeGroup> group) {
        Proposal toProposal(int ourSpi) {
            List<Transform> transforms = new ArrayList<>(List.of(encryption.transform(),
                    EspAlgorithms.esnTransform(esn)));
            group.ifPresent(g -> transforms.add(g.transform()));
            return new Proposal(proposalNumber, ProtocolId.ESP, ByteBuffer.allocate(4).putInt(ourSpi).array(),
                    transforms);
        }
    }

    /** An acceptable D-H choice of a CHILD SA proposal: a group, or empty for no PFS. */
    private record PfsChoice(Optional<KeyExchangeGroup> group) {
        static final PfsChoice NONE = new PfsChoice(Optional.empty());
    }

    private ProposalSelection() {
    }

    static Optional<IkeSuite> chooseIke(IkeAlgorithms ours, SaPayload offered) {
        for (Proposal proposal : offered.proposals()) {
            if (proposal.protocolId() != ProtocolId.IKE || !onlyTypes(proposal, Transform.TYPE_ENCR,
                    Transform.TYPE_PRF, Transform.TYPE_INTEG, Transform.TYPE_DH) || !noIntegrity(proposal)) {
                continue;
            }
            Optional<IkeEncryption> encryption = first(proposal, Transform.TYPE_ENCR, IkeEncryption::fromTransform,
                    ours.encryptions());
            Optional<Prf> prf = first(proposal, Transform.TYPE_PRF, Prf::fromTransform, ours.prfs());
            Optional<KeyExchangeGroup> group = first(proposal, Transform.TYPE_DH, KeyExchangeGroup::fromTransform,
                    ours.groups());
            if (encryption.isPresent() && prf.isPresent() && group.isPresent()) {
                return Optional.of(new IkeSuite(proposal.proposalNumber(), encryption.get(), prf.get(), group.get()));
            }
        }
        return Optional.empty();
    }

    /** The initiator's check of a responder's SA payload: one proposal, one transform of each type, all offered. */
    static Optional<IkeSuite> acceptIke(IkeAlgorithms ours, SaPayload chosen) {
        if (chosen.proposals().size() != 1) {
            return Optional.empty();
        }
        Proposal proposal = chosen.proposals().get(0);
        if (proposal.transformsOfType(Transform.TYPE_ENCR).size() != 1
                || proposal.transformsOfType(Transform.TYPE_PRF).size() != 1
                || proposal.transformsOfType(Transform.TYPE_DH).size() != 1) {
            return Optional.empty();
        }
        return chooseIke(ours, chosen);
    }

    /** §1.2: the CHILD SA of IKE_AUTH, which has no KE: D-H transforms offered for it are ignored. */
    static Optional<EspSuite> chooseEsp(EspAlgorithms ours, SaPayload offered) {
        return chooseEsp(ours, offered, proposal -> Optional.of(PfsChoice.NONE));
    }

    /**
     * §1.3.1, §1.3.3: a CHILD SA of CREATE_CHILD_SA, whose D-H transforms must be acceptable too:
     * the group of the initiator's KE if offered and ours (no INVALID_KE_PAYLOAD round trip), else
     * the first offered that is ours or NONE if we do without PFS. No D-H transform means no PFS,
     * acceptable only if we do without (as strongSwan: a proposal with groups does not match one
     * without).
     *
     * @param keGroup the group number of the request's KE payload, if any
     */
    static Optional<EspSuite> chooseEspWithPfs(EspAlgorithms ours, SaPayload offered, OptionalInt keGroup) {
        return chooseEsp(ours, offered, proposal -> pfsChoice(ours, proposal, keGroup));
    }

    private static Optional<EspSuite> chooseEsp(EspAlgorithms ours, SaPayload offered,
            Function<Proposal, Optional<PfsChoice>> pfs) {
        for (Proposal proposal : offered.proposals()) {
            if (proposal.protocolId() != ProtocolId.ESP || proposal.spi().length != 4
                    || !onlyTypes(proposal, Transform.TYPE_ENCR, Transform.TYPE_INTEG, Transform.TYPE_DH,
                            Transform.TYPE_ESN) || !noIntegrity(proposal)) {
                continue;
            }
            Optional<IkeEncryption> encryption = first(proposal, Transform.TYPE_ENCR, IkeEncryption::fromTransform,
                    ours.encryptions());
            Optional<Boolean> esn = proposal.transformsOfType(Transform.TYPE_ESN).isEmpty()
                    ? Optional.of(false).filter(ours.esn()::contains)
                    : first(proposal, Transform.TYPE_ESN, ProposalSelection::esnOf, ours.esn());
            Optional<PfsChoice> choice = pfs.apply(proposal);
            if (encryption.isPresent() && esn.isPresent() && choice.isPresent()) {
                return Optional.of(new EspSuite(proposal.proposalNumber(), proposal.spiAsInt(), encryption.get(),
                        esn.get(), choice.get().group()));
            }
        }
        return Optional.empty();
    }

    private static Optional<PfsChoice> pfsChoice(EspAlgorithms ours, Proposal proposal, OptionalInt keGroup) {
        List<Transform> offered = proposal.transformsOfType(Transform.TYPE_DH);
        if (offered.isEmpty()) {
            return Optional.of(PfsChoice.NONE).filter(none -> ours.withoutPfs());
        }
        Optional<KeyExchangeGroup> keGroupOffered = keGroup.isEmpty() ? Optional.empty()
                : KeyExchangeGroup.fromGroupNumber(keGroup.getAsInt()).filter(ours.groups()::contains)
                        .filter(g -> offered.stream().anyMatch(t -> t.sameAs(g.transform())));
        if (keGroupOffered.isPresent()) {
            return Optional.of(new PfsChoice(keGroupOffered));
        }
        for (Transform transform : offered) {
            if (isGroupNone(transform) && ours.withoutPfs()) {
                return Optional.of(PfsChoice.NONE);
            }
            Optional<KeyExchangeGroup> group = KeyExchangeGroup.fromTransform(transform).filter(ours.groups()::contains);
            if (group.isPresent()) {
                return Optional.of(new PfsChoice(group));
            }
        }
        return Optional.empty();
    }

    /** The initiator's check of IKE_AUTH's answer: one proposal, one transform of each type, all offered, no D-H. */
    static Optional<EspSuite> acceptEsp(EspAlgorithms ours, SaPayload chosen) {
        if (chosen.proposals().size() != 1) {
            return Optional.empty();
        }
        Proposal proposal = chosen.proposals().get(0);
        if (proposal.transformsOfType(Transform.TYPE_ENCR).size() != 1
                || proposal.transformsOfType(Transform.TYPE_ESN).size() > 1
                || !proposal.transformsOfType(Transform.TYPE_DH).isEmpty()) {
            return Optional.empty();
        }
        return chooseEsp(ours, chosen);
    }

    /**
     * The initiator's check of a CREATE_CHILD_SA answer: as {@link #acceptEsp}, and at most one D-H
     * transform: the group of our KE, or none or NONE if we do without PFS (the responder then
     * ignored our KE, §1.3.1).
     *
     * @param ke the group of the KE we sent, empty if none
     */
    static Optional<EspSuite> acceptEspWithPfs(EspAlgorithms ours, SaPayload chosen, Optional<KeyExchangeGroup> ke) {
        if (chosen.proposals().size() != 1) {
            return Optional.empty();
        }
        Proposal proposal = chosen.proposals().get(0);
        List<Transform> dh = proposal.transformsOfType(Transform.TYPE_DH);
        Optional<KeyExchangeGroup> group = Optional.empty();
        if (dh.size() > 1) {
            return Optional.empty();
        } else if (dh.isEmpty() || isGroupNone(dh.get(0))) {
            if (!ours.withoutPfs()) {
                return Optional.empty();
            }
        } else {
            group = KeyExchangeGroup.fromTransform(dh.get(0));
            if (group.isEmpty() || !group.equals(ke)) {
                return Optional.empty();
            }
        }
        Optional<KeyExchangeGroup> pfs = group;
        List<Transform> withoutDh = proposal.transforms().stream()
                .filter(t -> t.transformType() != Transform.TYPE_DH).toList();
        return acceptEsp(ours, new SaPayload(List.of(new Proposal(proposal.proposalNumber(), proposal.protocolId(),
                proposal.spi(), withoutDh))))
                .map(suite -> new EspSuite(suite.proposalNumber(), suite.senderSpi(), suite.encryption(), suite.esn(),
                        pfs));
    }

    private static boolean isGroupNone(Transform transform) {
        return transform.transformId() == Transform.GROUP_NONE && transform.keyLength() == 0
                && !transform.hasUnknownAttributes();
    }

    private static Optional<Boolean> esnOf(Transform transform) {
        if (transform.hasUnknownAttributes() || transform.keyLength() != 0) {
            return Optional.empty();
        }
        return transform.transformId() == Transform.ESN_YES ? Optional.of(true)
                : transform.transformId() == Transform.ESN_NO ? Optional.of(false) : Optional.empty();
    }

    /** The sender's first transform of a type that we know and accept. */
    private static <T> Optional<T> first(Proposal proposal, int type, Function<Transform, Optional<T>> known,
            List<T> accepted) {
        for (Transform transform : proposal.transformsOfType(type)) {
            Optional<T> value = known.apply(transform).filter(accepted::contains);
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    private static boolean onlyTypes(Proposal proposal, int... types) {
        for (Transform transform : proposal.transforms()) {
            boolean listed = false;
            for (int type : types) {
                listed |= transform.transformType() == type;
            }
            if (!listed) {
                return false;
            }
        }
        return true;
    }

    /** With an AEAD cipher INTEG is absent or NONE (RFC 5282 §8, RFC 7634 §4). */
    private static boolean noIntegrity(Proposal proposal) {
        for (Transform integrity : proposal.transformsOfType(Transform.TYPE_INTEG)) {
            if (integrity.transformId() == Transform.AUTH_NONE) {
                return true;
            }
        }
        return proposal.transformsOfType(Transform.TYPE_INTEG).isEmpty();
    }
}
