package espgw.ike.session;

import espgw.ike.crypto.IkeSaKeys;
import espgw.ike.crypto.KeyExchange;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.NotifyType;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Our request for a new CHILD SA on an established IKE SA (RFC 7296 §1.3.1) for the configured
 * traffic selectors: how an IKE SA whose CHILD SA the peer deleted gets a tunnel again without a new
 * IKE SA. First with PFS in the IKE SA's group; in the group the peer asks for (INVALID_KE_PAYLOAD);
 * without PFS if the peer's proposals have no group (NO_PROPOSAL_CHOSEN), as charon's often do: no
 * weaker than the first CHILD SA, which IKE_AUTH makes without a key exchange of its own.
 */
final class ChildSaCreation implements Exchange {
    /** What {@link IkeSa} does with the outcome. */
    interface Outcome {
        void refused(String reason);

        /** Try again with this PFS. */
        void retry(Pfs pfs);

        void created(NegotiatedChildSa child);
    }

    /**
     * Whether to offer PFS, and in which group.
     *
     * @param group the group; empty for the IKE SA's own
     */
    record Pfs(boolean offered, Optional<KeyExchangeGroup> group) {
        static Pfs ikeSaGroup() {
            return new Pfs(true, Optional.empty());
        }

        static Pfs in(KeyExchangeGroup group) {
            return new Pfs(true, Optional.of(group));
        }

        static Pfs none() {
            return new Pfs(false, Optional.empty());
        }
    }

    private final IkeSessionConfig config;
    private final Pfs pfsOffer;
    private final SecureRandom random;
    private final Outcome outcome;
    private final byte[] ni;
    private final int newSpi;
    private IkeSaKeys ikeKeys;
    private Optional<KeyExchange> pfs;

    ChildSaCreation(IkeSessionConfig config, Pfs pfsOffer, SecureRandom random, Outcome outcome) {
        this.config = config;
        this.pfsOffer = pfsOffer;
        this.random = random;
        this.outcome = outcome;
        this.ni = Exchanges.nonce(random);
        this.newSpi = config.inboundSpis().next(random);
    }

    @Override
    public int exchangeType() {
        return ExchangeType.CREATE_CHILD_SA;
    }

    @Override
    public List<IkePayload> request(IkeSaChannel channel) {
        ikeKeys = channel.keys;
        pfs = pfsOffer.offered()
                ? Optional.of(pfsOffer.group().orElse(channel.suite.group()).newKeyExchange(random)) : Optional.empty();
        return CreateChildSa.childSaRequest(OptionalInt.empty(), config.esp(), newSpi, ni, pfs,
                config.ike().groups(), config.localTrafficSelectors(), config.remoteTrafficSelectors());
    }

    @Override
    public void onResponse(IkeMessage response) throws IkeProtocolException {
        Optional<KeyExchangeGroup> wanted = CreateChildSa.requestedGroup(response)
                .filter(config.ike().groups()::contains).filter(g -> pfs.isPresent() && g != pfs.get().group());
        if (wanted.isPresent() && pfsOffer.offered() && pfsOffer.group().isEmpty()) {
            outcome.retry(Pfs.in(wanted.get()));
            return;
        }
        boolean noProposal = response.firstError().filter(n -> n.notifyType() == NotifyType.NO_PROPOSAL_CHOSEN)
                .isPresent();
        if (noProposal && pfsOffer.offered()) {
            outcome.retry(Pfs.none());
            return;
        }
        if (response.firstError().isPresent()) {
            outcome.refused("refused with " + NotifyType.name(response.firstError().get().notifyType()));
            return;
        }
        try {
            CreateChildSa.ChildSaResponse answer = CreateChildSa.parseChildSaResponse(response, config.esp(),
                    pfs.map(KeyExchange::group));
            outcome.created(IkeSa.initiatorChildSa(ikeKeys, pfs, ni, newSpi, answer, config.localTrafficSelectors(),
                    config.remoteTrafficSelectors()));
        } catch (IkeProtocolException e) {
            outcome.refused(e.getMessage());
            throw e;
        }
    }
}
