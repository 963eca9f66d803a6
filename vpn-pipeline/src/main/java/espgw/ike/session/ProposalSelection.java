package espgw.ike.session;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.crypto.Prf;
import espgw.ike.message.Proposal;
import espgw.ike.message.ProtocolId;
import espgw.ike.message.SaPayload;
import espgw.ike.message.Transform;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
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

    /** The algorithms of an ESP CHILD SA and the SPI the proposal's sender receives on. */
    record EspSuite(int proposalNumber, int senderSpi, IkeEncryption encryption, boolean esn) {
        Proposal toProposal(int ourSpi) {
            return new Proposal(proposalNumber, ProtocolId.ESP, ByteBuffer.allocate(4).putInt(ourSpi).array(),
                    List.of(encryption.transform(), EspAlgorithms.esnTransform(esn)));
        }
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

    static Optional<EspSuite> chooseEsp(EspAlgorithms ours, SaPayload offered) {
        for (Proposal proposal : offered.proposals()) {
            if (proposal.protocolId() != ProtocolId.ESP || proposal.spi().length != 4
                    || !onlyTypes(proposal, Transform.TYPE_ENCR, Transform.TYPE_INTEG, Transform.TYPE_DH,
                            Transform.TYPE_ESN) || !noIntegrity(proposal)) {
                continue;
            }
            // §1.2: D-H transforms offered for the CHILD SA of IKE_AUTH are ignored (no KE there).
            Optional<IkeEncryption> encryption = first(proposal, Transform.TYPE_ENCR, IkeEncryption::fromTransform,
                    ours.encryptions());
            Optional<Boolean> esn = proposal.transformsOfType(Transform.TYPE_ESN).isEmpty()
                    ? Optional.of(false).filter(ours.esn()::contains)
                    : first(proposal, Transform.TYPE_ESN, ProposalSelection::esnOf, ours.esn());
            if (encryption.isPresent() && esn.isPresent()) {
                return Optional.of(new EspSuite(proposal.proposalNumber(), proposal.spiAsInt(), encryption.get(),
                        esn.get()));
            }
        }
        return Optional.empty();
    }

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
