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
 * Our rekey of one CHILD SA (RFC 7296 §1.3.3), with PFS when our ESP proposal names groups (a KE
 * in the old pair's group, else in {@link EspAlgorithms#keyExchangeGroup}, or in the one the peer
 * asks for): the keys of the new
 * pair come from §2.17 with g^ir (new) if the peer chose PFS, and the SK_d of the IKE SA the
 * exchange ran on. When the peer rekeyed the same pair meanwhile, {@link RekeyCollision} decides
 * which new pair stays.
 */
final class ChildSaRekey implements Exchange {
    /** What {@link IkeSa} does with the outcome. */
    interface Outcome {
        void refused(IkeSa.Child old, String reason);

        /** §1.3: the peer wants PFS in another group we accept: try again with it. */
        void retry(IkeSa.Child old, KeyExchangeGroup group);

        /** @param redundant true when the peer's simultaneous rekey won (§2.8.1): we delete our new pair */
        void rekeyed(IkeSa.Child old, NegotiatedChildSa replacement, boolean redundant);
    }

    final IkeSa.Child old;
    private final EspAlgorithms esp;
    private final Optional<KeyExchangeGroup> group;
    private final SecureRandom random;
    private final Outcome outcome;
    private final byte[] ni;
    private final int newSpi;
    private IkeSaKeys ikeKeys;
    private Optional<KeyExchange> pfs;
    private RekeyCollision collision;

    /** @param group the group of our KE as the peer asked for it, or empty for our choice */
    ChildSaRekey(IkeSa.Child old, EspAlgorithms esp, Optional<KeyExchangeGroup> group, SecureRandom random,
            InboundSpiSource inboundSpis, Outcome outcome) {
        this.old = old;
        this.esp = esp;
        this.group = group;
        this.random = random;
        this.outcome = outcome;
        this.ni = Exchanges.nonce(random);
        this.newSpi = inboundSpis.next(random);
    }

    /** The peer rekeyed the same pair while ours was outstanding; we answered with {@code ourNr}. */
    void collidedWith(byte[] peerNi, byte[] ourNr) {
        collision = new RekeyCollision(peerNi, ourNr);
    }

    @Override
    public int exchangeType() {
        return ExchangeType.CREATE_CHILD_SA;
    }

    @Override
    public List<IkePayload> request(IkeSaChannel channel) {
        ikeKeys = channel.keys;
        // As strongSwan: the old pair's group first, which the peer chose before (no INVALID_KE_PAYLOAD again).
        pfs = group.or(() -> old.sa.pfs().filter(esp.groups()::contains))
                .or(() -> esp.keyExchangeGroup(channel.suite.group())).map(g -> g.newKeyExchange(random));
        return CreateChildSa.childSaRequest(OptionalInt.of(old.sa.inboundSpi()), esp, newSpi, ni, pfs,
                old.sa.localTrafficSelectors(), old.sa.remoteTrafficSelectors());
    }

    @Override
    public void onResponse(IkeMessage response) throws IkeProtocolException {
        Optional<KeyExchangeGroup> wanted = CreateChildSa.requestedGroup(response).filter(esp.groups()::contains)
                .filter(g -> pfs.isPresent() && g != pfs.get().group());
        if (wanted.isPresent() && group.isEmpty()) {
            outcome.retry(old, wanted.get());
            return;
        }
        if (response.firstError().isPresent()) {
            outcome.refused(old, NotifyType.name(response.firstError().get().notifyType()));
            return;
        }
        try {
            CreateChildSa.ChildSaResponse answer = CreateChildSa.parseChildSaResponse(response, esp,
                    pfs.map(KeyExchange::group));
            NegotiatedChildSa replacement = IkeSa.initiatorChildSa(ikeKeys, pfs, ni, newSpi, answer,
                    old.sa.localTrafficSelectors(), old.sa.remoteTrafficSelectors());
            outcome.rekeyed(old, replacement, collision != null && collision.weLose(ni, answer.nr()));
        } catch (IkeProtocolException e) {
            outcome.refused(old, e.getMessage());
            throw e;
        }
    }
}
