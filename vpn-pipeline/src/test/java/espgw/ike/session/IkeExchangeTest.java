package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.crypto.Aead;
import espgw.crypto.AeadAlgorithm;
import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.crypto.Prf;
import espgw.ike.message.ExchangeType;
import espgw.ike.message.IdPayload;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.KePayload;
import espgw.ike.message.NotifyType;
import espgw.ike.message.PayloadType;
import espgw.sa.Direction;
import espgw.sa.MemorySequenceStore;
import espgw.sa.SecurityAssociation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class IkeExchangeTest {
    @Test
    void initiatorAndResponderAgreeOnOneChildSaAndItCarriesTraffic() throws Exception {
        IkePeers peers = new IkePeers();
        peers.run();
        assertEquals(4, peers.wire.size(), "IKE_SA_INIT and IKE_AUTH, request and response each");
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
        assertEquals(IkeState.ESTABLISHED, peers.responder.state());
        assertTrue(peers.initiator.failure().isEmpty());
        NegotiatedChildSa i = peers.initiator.childSa().orElseThrow();
        NegotiatedChildSa r = peers.responder.childSa().orElseThrow();
        assertEquals(i.outboundSpi(), r.inboundSpi());
        assertEquals(i.inboundSpi(), r.outboundSpi());
        assertEquals(IkeEncryption.AES_GCM_16_256, i.encryption());
        assertEquals(i.encryption(), r.encryption());
        assertTrue(i.esn() && r.esn(), "both prefer ESN");
        assertArrayEquals(i.keymat(Direction.OUTBOUND), r.keymat(Direction.INBOUND));
        assertArrayEquals(i.keymat(Direction.INBOUND), r.keymat(Direction.OUTBOUND));
        assertFalse(java.util.Arrays.equals(i.keymat(Direction.INBOUND), i.keymat(Direction.OUTBOUND)));
        assertEquals(List.of(IkePeers.INITIATOR_NET), i.localTrafficSelectors());
        assertEquals(List.of(IkePeers.RESPONDER_NET), r.localTrafficSelectors());
        assertSealsAndOpens(i.toBuilder(Direction.OUTBOUND).sequenceStore(new MemorySequenceStore()).build(),
                r.toBuilder(Direction.INBOUND).build());
        assertSealsAndOpens(r.toBuilder(Direction.OUTBOUND).sequenceStore(new MemorySequenceStore()).build(),
                i.toBuilder(Direction.INBOUND).build());
        String keyHex = HexFormat.of().formatHex(i.keymat(Direction.OUTBOUND)).substring(0, 8);
        assertFalse(i.toString().contains(keyHex), i.toString());
        assertFalse(peers.initiator.toString().contains(keyHex));
    }

    @ParameterizedTest
    @EnumSource(IkeEncryption.class)
    void everyAlgorithmAndGroupWorksForTheIkeSaAndEsp(IkeEncryption encryption) {
        for (KeyExchangeGroup group : KeyExchangeGroup.values()) {
            for (Prf prf : Prf.values()) {
                IkeAlgorithms ike = new IkeAlgorithms(List.of(encryption), List.of(prf), List.of(group));
                EspAlgorithms esp = new EspAlgorithms(List.of(encryption), List.of(false));
                IkePeers peers = new IkePeers(IkePeers.initiatorConfig().withAlgorithms(ike, esp),
                        IkePeers.responderConfig().withAlgorithms(ike, esp));
                peers.run();
                NegotiatedChildSa child = peers.initiator.childSa().orElseThrow(() -> new AssertionError(
                        encryption + " " + group + " " + prf + ": " + peers.initiator.failure()));
                assertEquals(encryption, child.encryption());
                assertFalse(child.esn());
                assertArrayEquals(child.keymat(Direction.OUTBOUND),
                        peers.responder.childSa().orElseThrow().keymat(Direction.INBOUND));
            }
        }
    }

    @Test
    void aWrongPreSharedKeyIsAuthenticationFailedOnBothSides() {
        byte[] wrong = IkePeers.PSK.clone();
        wrong[0] ^= 1;
        IkeSessionConfig base = IkePeers.initiatorConfig();
        IkeSessionConfig initiator = new IkeSessionConfig(base.localId(), base.remoteId(), wrong, base.ike(), base.esp(),
                base.localTrafficSelectors(), base.remoteTrafficSelectors(), base.localAddress(), base.remoteAddress());
        IkePeers peers = new IkePeers(initiator, IkePeers.responderConfig());
        peers.run();
        assertEquals(IkeState.FAILED, peers.responder.state());
        assertEquals(NotifyType.AUTHENTICATION_FAILED, peers.responder.failure().orElseThrow().notifyType());
        assertEquals(IkeState.FAILED, peers.initiator.state());
        assertEquals(NotifyType.AUTHENTICATION_FAILED, peers.initiator.failure().orElseThrow().notifyType());
        assertTrue(peers.initiator.childSa().isEmpty() && peers.responder.childSa().isEmpty());
        assertFalse(peers.initiator.failure().toString().contains("correct horse"));
    }

    @Test
    void anInitiatorClaimingAnotherIdentityIsAuthenticationFailed() {
        IkeSessionConfig base = IkePeers.initiatorConfig();
        IkeSessionConfig impostor = new IkeSessionConfig(IdPayload.fqdn(true, "mallory.espgw.test"), base.remoteId(),
                IkePeers.PSK, base.ike(), base.esp(), base.localTrafficSelectors(), base.remoteTrafficSelectors(),
                base.localAddress(), base.remoteAddress());
        IkePeers peers = new IkePeers(impostor, IkePeers.responderConfig());
        peers.run();
        assertEquals(NotifyType.AUTHENTICATION_FAILED, peers.responder.failure().orElseThrow().notifyType());
        assertEquals(NotifyType.AUTHENTICATION_FAILED, peers.initiator.failure().orElseThrow().notifyType());
    }

    @Test
    void noCommonIkeProposalIsNoProposalChosen() {
        IkePeers peers = new IkePeers(IkePeers.initiatorConfig().withAlgorithms(
                new IkeAlgorithms(List.of(IkeEncryption.CHACHA20_POLY1305), List.of(Prf.PRF_HMAC_SHA2_256),
                        List.of(KeyExchangeGroup.CURVE25519)), EspAlgorithms.defaults()),
                IkePeers.responderConfig().withAlgorithms(new IkeAlgorithms(List.of(IkeEncryption.AES_GCM_16_128),
                        List.of(Prf.PRF_HMAC_SHA2_256), List.of(KeyExchangeGroup.CURVE25519)), EspAlgorithms.defaults()));
        peers.run();
        assertEquals(2, peers.wire.size());
        assertEquals(IkeState.FAILED, peers.initiator.state());
        assertEquals(NotifyType.NO_PROPOSAL_CHOSEN, peers.initiator.failure().orElseThrow().notifyType());
        assertEquals(NotifyType.NO_PROPOSAL_CHOSEN, peers.responder.failure().orElseThrow().notifyType());
    }

    @Test
    void aWrongGroupIsInvalidKePayloadThenARetryWithTheRequestedGroupSucceeds() throws Exception {
        IkeAlgorithms ecpFirst = new IkeAlgorithms(List.of(IkeEncryption.AES_GCM_16_128), List.of(Prf.PRF_HMAC_SHA2_256),
                List.of(KeyExchangeGroup.ECP_256, KeyExchangeGroup.CURVE25519));
        IkeAlgorithms curveOnly = new IkeAlgorithms(List.of(IkeEncryption.AES_GCM_16_128),
                List.of(Prf.PRF_HMAC_SHA2_256), List.of(KeyExchangeGroup.CURVE25519));
        IkePeers peers = new IkePeers(IkePeers.initiatorConfig().withAlgorithms(ecpFirst, EspAlgorithms.defaults()),
                IkePeers.responderConfig().withAlgorithms(curveOnly, EspAlgorithms.defaults()));
        peers.run();
        assertEquals(6, peers.wire.size());
        IkeMessage refusal = IkeMessage.decode(peers.wire.get(1));
        assertArrayEquals(new byte[] {0, 31}, refusal.notify(NotifyType.INVALID_KE_PAYLOAD).orElseThrow().data());
        assertEquals(KeyExchangeGroup.ECP_256.groupNumber(),
                IkeMessage.decode(peers.wire.get(0)).first(KePayload.class).orElseThrow().group());
        IkeMessage retry = IkeMessage.decode(peers.wire.get(2));
        assertEquals(KeyExchangeGroup.CURVE25519.groupNumber(), retry.first(KePayload.class).orElseThrow().group());
        assertEquals(IkeMessage.decode(peers.wire.get(0)).header().initiatorSpi(), retry.header().initiatorSpi());
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
        assertTrue(peers.initiator.childSa().isPresent() && peers.responder.childSa().isPresent());
    }

    @Test
    void noCommonEspProposalLeavesTheIkeSaUpWithoutAChildSa() {
        IkePeers peers = new IkePeers(IkePeers.initiatorConfig().withAlgorithms(IkeAlgorithms.defaults(),
                new EspAlgorithms(List.of(IkeEncryption.CHACHA20_POLY1305), List.of(true))),
                IkePeers.responderConfig().withAlgorithms(IkeAlgorithms.defaults(),
                        new EspAlgorithms(List.of(IkeEncryption.AES_GCM_16_256), List.of(true))));
        peers.run();
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
        assertEquals(IkeState.ESTABLISHED, peers.responder.state());
        assertTrue(peers.initiator.childSa().isEmpty() && peers.responder.childSa().isEmpty());
        assertEquals(NotifyType.NO_PROPOSAL_CHOSEN, peers.initiator.failure().orElseThrow().notifyType());
    }

    @Test
    void selectorsTheResponderCannotAcceptAreTsUnacceptable() {
        IkeSessionConfig base = IkePeers.responderConfig();
        IkeSessionConfig wantsMore = new IkeSessionConfig(base.localId(), base.remoteId(), IkePeers.PSK, base.ike(),
                base.esp(), base.localTrafficSelectors(), List.of(espgw.ike.message.TrafficSelector.ipv4Prefix(0x0a000000,
                        16)), base.localAddress(), base.remoteAddress());
        IkePeers peers = new IkePeers(IkePeers.initiatorConfig(), wantsMore);
        peers.run();
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
        assertEquals(NotifyType.TS_UNACCEPTABLE, peers.initiator.failure().orElseThrow().notifyType());
        assertEquals(NotifyType.TS_UNACCEPTABLE, peers.responder.failure().orElseThrow().notifyType());
    }

    @Test
    void theResponderNarrowsWideSelectorsToItsOwn() {
        IkeSessionConfig base = IkePeers.initiatorConfig();
        espgw.ike.message.TrafficSelector everything = espgw.ike.message.TrafficSelector.ipv4Prefix(0, 0);
        IkeSessionConfig wide = new IkeSessionConfig(base.localId(), base.remoteId(), IkePeers.PSK, base.ike(),
                base.esp(), List.of(everything), List.of(everything), base.localAddress(), base.remoteAddress());
        IkePeers peers = new IkePeers(wide, IkePeers.responderConfig());
        peers.run();
        NegotiatedChildSa child = peers.initiator.childSa().orElseThrow();
        assertEquals(List.of(IkePeers.INITIATOR_NET), child.localTrafficSelectors());
        assertEquals(List.of(IkePeers.RESPONDER_NET), child.remoteTrafficSelectors());
    }

    @Test
    void aLostResponseIsRetransmittedAndTheResponderRepeatsItsAnswer() {
        IkePeers peers = new IkePeers();
        int[] count = {0};
        // Drop the first IKE_AUTH response (the fourth datagram).
        peers.run(datagram -> ++count[0] == 4 ? null : datagram);
        assertEquals(IkeState.IKE_AUTH_SENT, peers.initiator.state());
        assertEquals(IkeState.ESTABLISHED, peers.responder.state());
        assertTrue(peers.initiator.onTimer().isEmpty(), "not due yet");
        peers.now[0] += Retransmission.FIRST_TIMEOUT_NANOS;
        List<byte[]> again = peers.initiator.onTimer();
        assertArrayEquals(peers.wire.get(2), again.get(0), "the same octets again");
        List<byte[]> repeated = peers.responder.receive(again.get(0));
        assertArrayEquals(peers.wire.get(3), repeated.get(0), "the responder repeats its answer verbatim");
        peers.initiator.receive(repeated.get(0));
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
        assertArrayEquals(peers.initiator.childSa().orElseThrow().keymat(Direction.OUTBOUND),
                peers.responder.childSa().orElseThrow().keymat(Direction.INBOUND));
    }

    @Test
    void anUnansweredRequestIsRetriedWithGrowingTimeoutsThenGivenUp() {
        IkePeers peers = new IkePeers();
        peers.run(datagram -> null);
        int retransmissions = 0;
        for (int second = 0; second < 200 && peers.initiator.state() != IkeState.FAILED; second++) {
            peers.now[0] += 1_000_000_000L;
            retransmissions += peers.initiator.onTimer().size();
        }
        assertEquals(Retransmission.MAX_RETRANSMISSIONS, retransmissions);
        assertEquals(IkeState.FAILED, peers.initiator.state());
        assertEquals(0, peers.initiator.failure().orElseThrow().notifyType());
    }

    @Test
    void forgedOrCorruptDatagramsNeverChangeEitherSide() {
        IkePeers peers = new IkePeers();
        peers.run(datagram -> {
            IkeMessage message = decode(datagram);
            if (message.header().exchangeType() == ExchangeType.IKE_AUTH) {
                byte[] tampered = datagram.clone();
                tampered[tampered.length - 1] ^= 1;
                return tampered;
            }
            return datagram;
        });
        assertEquals(3, peers.wire.size(), "the tampered IKE_AUTH request gets no answer");
        assertEquals(IkeState.WAITING_FOR_IKE_AUTH, peers.responder.state());
        assertEquals(IkeState.IKE_AUTH_SENT, peers.initiator.state());
        for (byte[] junk : List.of(new byte[0], new byte[27], new byte[300], peers.wire.get(0), peers.wire.get(1))) {
            assertTrue(peers.initiator.receive(junk).isEmpty());
        }
        assertEquals(IkeState.IKE_AUTH_SENT, peers.initiator.state());
        assertEquals(IkeState.WAITING_FOR_IKE_AUTH, peers.responder.state());
        // The genuine retransmission still completes the exchange.
        peers.now[0] += Retransmission.FIRST_TIMEOUT_NANOS;
        peers.deliver(peers.initiator.onTimer(), d -> d);
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
    }

    @Test
    void natDetectionSeesAnAddressRewrittenOnTheWay() {
        IkeSessionConfig base = IkePeers.responderConfig();
        // The responder sees the initiator at a NAT's public address, not at 192.0.2.1:500.
        IkeSessionConfig behindNat = new IkeSessionConfig(base.localId(), base.remoteId(), IkePeers.PSK, base.ike(),
                base.esp(), base.localTrafficSelectors(), base.remoteTrafficSelectors(), base.localAddress(),
                new InetSocketAddress("203.0.113.7", 4500));
        IkePeers peers = new IkePeers(IkePeers.initiatorConfig(), behindNat);
        peers.run();
        assertEquals(new NatStatus(false, true), peers.responder.natStatus());
        assertEquals(new NatStatus(true, false), peers.initiator.natStatus());
        IkePeers direct = new IkePeers();
        direct.run();
        assertFalse(direct.initiator.natStatus().natDetected() || direct.responder.natStatus().natDetected());
    }

    @Test
    void theResponderPicksNoEsnWhenThatIsAllItAccepts() {
        IkePeers peers = new IkePeers(IkePeers.initiatorConfig(), IkePeers.responderConfig().withAlgorithms(
                IkeAlgorithms.defaults(), new EspAlgorithms(EspAlgorithms.defaults().encryptions(), List.of(false))));
        peers.run();
        assertFalse(peers.initiator.childSa().orElseThrow().esn());
        assertFalse(peers.responder.childSa().orElseThrow().esn());
    }

    @Test
    void theIkeAuthRequestCarriesThePayloadsRfc7296Lists() {
        IkePeers peers = new IkePeers();
        peers.run();
        IkeMessage outer = decode(peers.wire.get(2));
        assertEquals(PayloadType.ENCRYPTED_AND_AUTHENTICATED, outer.header().nextPayload());
        assertEquals(1, outer.header().messageId());
        IkeMessage init = decode(peers.wire.get(0));
        assertEquals(List.of(PayloadType.SECURITY_ASSOCIATION, PayloadType.KEY_EXCHANGE, PayloadType.NONCE,
                PayloadType.NOTIFY, PayloadType.NOTIFY), init.payloads().stream().map(p -> p.type()).toList());
    }

    @Test
    void aCookieIsSentBackFirstWithTheSameNonce() throws Exception {
        IkePeers peers = new IkePeers();
        IkeMessage first = IkeMessage.decode(peers.initiator.start().get(0));
        byte[] cookie = {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] cookieResponse = new IkeMessage(espgw.ike.message.IkeHeader.of(first.header().initiatorSpi(), 0,
                ExchangeType.IKE_SA_INIT, espgw.ike.message.IkeHeader.FLAG_RESPONSE, 0),
                List.of(espgw.ike.message.NotifyPayload.of(NotifyType.COOKIE, cookie))).encode();
        IkeMessage retry = IkeMessage.decode(peers.initiator.receive(cookieResponse).get(0));
        espgw.ike.message.NotifyPayload sentBack = (espgw.ike.message.NotifyPayload) retry.payloads().get(0);
        assertEquals(NotifyType.COOKIE, sentBack.notifyType());
        assertArrayEquals(cookie, sentBack.data());
        assertArrayEquals(first.first(espgw.ike.message.NoncePayload.class).orElseThrow().nonce(),
                retry.first(espgw.ike.message.NoncePayload.class).orElseThrow().nonce());
        // A responder that wants no cookie ignores it and the exchange completes.
        peers.deliver(List.of(retry.encode()), d -> d);
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
    }

    @Test
    void aStreamOfMangledMessagesLeavesEstablishedSasUntouchedAndThrowsNothing() {
        IkePeers peers = new IkePeers();
        peers.run();
        NegotiatedChildSa before = peers.initiator.childSa().orElseThrow();
        java.util.Random random = new java.util.Random(5);
        for (int round = 0; round < 4_000; round++) {
            byte[] mangled = peers.wire.get(random.nextInt(peers.wire.size())).clone();
            switch (round % 4) {
                case 0 -> mangled[random.nextInt(mangled.length)] ^= (byte) (1 + random.nextInt(255));
                case 1 -> mangled = java.util.Arrays.copyOf(mangled, random.nextInt(mangled.length));
                case 2 -> mangled = java.util.Arrays.copyOf(mangled, mangled.length + 1 + random.nextInt(64));
                default -> { } // a plain replay
            }
            peers.initiator.receive(mangled);
            peers.responder.receive(mangled);
        }
        assertEquals(IkeState.ESTABLISHED, peers.initiator.state());
        assertEquals(IkeState.ESTABLISHED, peers.responder.state());
        assertEquals(before, peers.initiator.childSa().orElseThrow(), "the same CHILD SA object");
        assertTrue(peers.initiator.failure().isEmpty() && peers.responder.failure().isEmpty());
    }

    private static void assertSealsAndOpens(SecurityAssociation sender, SecurityAssociation receiver) {
        Aead seal = sender.aead();
        Aead open = receiver.aead();
        assertEquals(sender.spi(), receiver.spi());
        byte[] aad = {1, 2, 3, 4, 0, 0, 0, 1};
        ByteBuf buf = Unpooled.buffer(64).writeBytes(new byte[] {0x45, 0, 0, 20}).writeZero(AeadAlgorithm.ICV_LENGTH);
        try {
            seal.seal(1, aad, aad.length, buf, 0, 4);
            assertTrue(open.open(1, aad, aad.length, buf, 0, 4 + AeadAlgorithm.ICV_LENGTH));
            assertEquals(0x45, buf.getUnsignedByte(0));
        } finally {
            buf.release();
        }
    }

    private static IkeMessage decode(byte[] datagram) {
        try {
            return IkeMessage.decode(datagram);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
