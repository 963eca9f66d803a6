package espgw.ike.session;

import espgw.ike.crypto.IkeSaKeys;
import espgw.ike.crypto.KeyExchange;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import espgw.sa.Clock;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Our rekey of the IKE SA (RFC 7296 §1.3.2, §2.18): new SPIs, a new key exchange in the old SA's
 * group, SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr), and we become the new SA's original
 * initiator. When the peer rekeyed it meanwhile, {@link RekeyCollision} decides which new SA stays
 * (§2.8.2).
 */
final class IkeSaRekey implements Exchange {
    /** What {@link IkeSa} does with the outcome. */
    interface Outcome {
        /** The peer refused; its own new IKE SA from a simultaneous rekey takes over if there is one. */
        void refused(Optional<IkeSaChannel> peersSuccessor);

        /**
         * @param successor the new IKE SA we made
         * @param peersSuccessor the one the peer made at the same time, if it did
         * @param redundant true when the peer's won (§2.8.2): we delete ours, the peer deletes the old one
         */
        void rekeyed(IkeSaChannel old, IkeSaChannel successor, Optional<IkeSaChannel> peersSuccessor,
                boolean redundant);
    }

    private final IkeAlgorithms ike;
    private final SecureRandom random;
    private final Clock clock;
    private final Outcome outcome;
    private final byte[] ni;
    private final long newSpi;
    private IkeSaChannel old;
    private KeyExchange ke;
    private RekeyCollision collision;
    private IkeSaChannel peersSuccessor;

    IkeSaRekey(IkeAlgorithms ike, SecureRandom random, Clock clock, Outcome outcome) {
        this.ike = ike;
        this.random = random;
        this.clock = clock;
        this.outcome = outcome;
        this.ni = Exchanges.nonce(random);
        this.newSpi = Exchanges.ikeSpi(random);
    }

    /**
     * The peer rekeyed the IKE SA while ours was outstanding: we answered with {@code ourNr},
     * making {@code successor}.
     */
    void collidedWith(byte[] peerNi, byte[] ourNr, IkeSaChannel successor) {
        collision = new RekeyCollision(peerNi, ourNr);
        peersSuccessor = successor;
    }

    @Override
    public int exchangeType() {
        return ExchangeType.CREATE_CHILD_SA;
    }

    @Override
    public List<IkePayload> request(IkeSaChannel channel) {
        old = channel;
        ke = channel.suite.group().newKeyExchange(random);
        return CreateChildSa.ikeRekeyRequest(ike, newSpi, ni, ke);
    }

    @Override
    public void onResponse(IkeMessage response) throws IkeProtocolException {
        if (response.firstError().isPresent()) {
            outcome.refused(Optional.ofNullable(peersSuccessor));
            return;
        }
        try {
            CreateChildSa.IkeRekey answer = CreateChildSa.parseIkeRekeyResponse(response, ike, ke.group());
            byte[] sharedSecret = ke.sharedSecret(answer.ke().keyExchangeData());
            IkeSaKeys keys = old.keys.rekey(answer.suite().prf(), answer.suite().encryption(), sharedSecret, ni,
                    answer.nonce(), newSpi, answer.spi());
            Arrays.fill(sharedSecret, (byte) 0);
            IkeSaChannel successor = new IkeSaChannel(newSpi, answer.spi(), true, keys, answer.suite(), clock, 0, 0);
            outcome.rekeyed(old, successor, Optional.ofNullable(peersSuccessor),
                    collision != null && collision.weLose(ni, answer.nonce()));
        } catch (IkeProtocolException e) {
            outcome.refused(Optional.ofNullable(peersSuccessor));
            throw e;
        }
    }
}
