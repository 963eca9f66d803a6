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
 * IKE SA. PFS as our ESP proposal says (a KE in {@link EspAlgorithms#keyExchangeGroup}, again in the
 * group the peer asks for with INVALID_KE_PAYLOAD); where it allows no PFS the peer may choose none.
 */
final class ChildSaCreation implements Exchange {
    /** What {@link IkeSa} does with the outcome. */
    interface Outcome {
        void refused(String reason);

        /** §1.3: the peer wants PFS in another group we accept: try again with it. */
        void retry(KeyExchangeGroup group);

        void created(NegotiatedChildSa child);
    }

    private final IkeSessionConfig config;
    private final Optional<KeyExchangeGroup> group;
    private final SecureRandom random;
    private final Outcome outcome;
    private final byte[] ni;
    private final int newSpi;
    private IkeSaKeys ikeKeys;
    private Optional<KeyExchange> pfs;

    /** @param group the group of our KE as the peer asked for it, or empty for our choice */
    ChildSaCreation(IkeSessionConfig config, Optional<KeyExchangeGroup> group, SecureRandom random, Outcome outcome) {
        this.config = config;
        this.group = group;
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
        pfs = group.or(() -> config.esp().keyExchangeGroup(channel.suite.group())).map(g -> g.newKeyExchange(random));
        return CreateChildSa.childSaRequest(OptionalInt.empty(), config.esp(), newSpi, ni, pfs,
                config.localTrafficSelectors(), config.remoteTrafficSelectors());
    }

    @Override
    public void onResponse(IkeMessage response) throws IkeProtocolException {
        Optional<KeyExchangeGroup> wanted = CreateChildSa.requestedGroup(response)
                .filter(config.esp().groups()::contains).filter(g -> pfs.isPresent() && g != pfs.get().group());
        if (wanted.isPresent() && group.isEmpty()) {
            outcome.retry(wanted.get());
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
