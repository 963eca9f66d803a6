package espgw.ike.session;

import espgw.ike.crypto.IkeMessageProtection;
import espgw.ike.crypto.IkeSaKeys;
import espgw.ike.crypto.KeyExchange;
import espgw.ike.message.AuthPayload;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IdPayload;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.IkePayload;
import espgw.ike.message.IkeProtocolException;
import espgw.ike.message.KePayload;
import espgw.ike.message.NoncePayload;
import espgw.ike.message.PayloadType;
import espgw.ike.message.SaPayload;
import espgw.ike.message.TrafficSelectorPayload;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * An initiator from before RFC 7427, just enough to drive an {@link IkeResponder} through IKE_SA_INIT
 * and IKE_AUTH: its IKE_SA_INIT has no SIGNATURE_HASH_ALGORITHMS and it signs with Auth Method 9
 * (RFC 4754), as a strongSwan with {@code signature_authentication = no} does. It is put together
 * from espgw's codec, key schedule and {@link Authentication}: what it tests is the responder.
 */
final class LegacyInitiator {
    private final IkeSessionConfig config;
    private final SecureRandom random = new SecureRandom();
    private final long spiI = Exchanges.ikeSpi(random);
    private final byte[] ni = Exchanges.nonce(random);
    private final KeyExchange keyExchange;
    private byte[] initRequest;
    private byte[] initResponse;
    private IkeSaKeys keys;
    private IkeMessageProtection protection;

    /** @param config with certificates for a P-256 key */
    LegacyInitiator(IkeSessionConfig config) {
        this.config = config;
        this.keyExchange = config.ike().groups().get(0).newKeyExchange(random);
    }

    /** RFC 7296 §1.2: SAi1, KEi, Ni, and nothing of RFC 7427. */
    byte[] ikeSaInit() {
        initRequest = new IkeMessage(IkeHeader.of(spiI, 0, ExchangeType.IKE_SA_INIT, IkeHeader.FLAG_INITIATOR, 0),
                List.of(new SaPayload(List.of(config.ike().proposal())),
                        new KePayload(keyExchange.group().groupNumber(), keyExchange.publicValue()),
                        new NoncePayload(ni))).encode();
        return initRequest;
    }

    /** §1.2: IDi, CERT, AUTH (method 9), SAi2, TSi, TSr, answering the responder's IKE_SA_INIT. */
    byte[] ikeAuth(byte[] responderInit) throws IkeProtocolException {
        initResponse = responderInit;
        IkeMessage response = IkeMessage.decode(responderInit);
        ProposalSelection.IkeSuite suite = ProposalSelection.acceptIke(config.ike(),
                Exchanges.required(response, SaPayload.class)).orElseThrow();
        byte[] nr = Exchanges.required(response, NoncePayload.class).nonce();
        long spiR = response.header().responderSpi();
        keys = IkeSaKeys.derive(suite.prf(), suite.encryption(), ni, nr,
                keyExchange.sharedSecret(Exchanges.required(response, KePayload.class).keyExchangeData()), spiI, spiR);
        protection = new IkeMessageProtection(keys, true);
        IdPayload idi = config.localId().as(true);
        List<IkePayload> inner = new ArrayList<>();
        inner.add(idi);
        inner.addAll(Authentication.certificates(config.authentication()));
        inner.add(Authentication.ours(config.authentication(), AuthPayload.ECDSA_WITH_SHA256_ON_THE_P256_CURVE, keys,
                true, initRequest, nr, idi));
        inner.add(new SaPayload(List.of(config.esp().proposal(config.inboundSpis().next(random)))));
        inner.add(new TrafficSelectorPayload(true, config.localTrafficSelectors()));
        inner.add(new TrafficSelectorPayload(false, config.remoteTrafficSelectors()));
        return protection.seal(IkeHeader.of(spiI, spiR, ExchangeType.IKE_AUTH, IkeHeader.FLAG_INITIATOR, 1), inner);
    }

    /** The responder's AUTH payload, once it has authenticated as our {@link IkeInitiator} checks it. */
    AuthPayload responderAuth(byte[] responderAuth) throws IkeProtocolException {
        IkeMessage response = protection.open(IkeMessage.decode(responderAuth), responderAuth).orElseThrow();
        AuthPayload auth = response.first(AuthPayload.class).orElseThrow();
        IdPayload idr = (IdPayload) response.firstOfType(PayloadType.IDENTIFICATION_RESPONDER).orElseThrow();
        Authentication.verifyPeer(config.authentication(), keys, false, response, auth, idr, initResponse, ni);
        return auth;
    }
}
