package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.crypto.Prf;
import espgw.ike.crypto.StrongSwanCase;
import espgw.ike.message.IdPayload;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.KePayload;
import espgw.ike.message.SaPayload;
import espgw.ike.message.TrafficSelector;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** espgw's responder answering the IKE_SA_INIT requests strongSwan 5.9.8 actually sent. */
class StrongSwanResponderTest {
    @ParameterizedTest
    @ValueSource(strings = {StrongSwanCase.PSK_AES_GCM_X25519, StrongSwanCase.PSK_CHACHA_ECP256})
    void theResponderChoosesStrongSwansProposalAndSeesItsFakedNat(String name) throws Exception {
        StrongSwanCase fixture = new StrongSwanCase(name);
        IkeResponder responder = new IkeResponder(config(fixture), new SecureRandom());
        List<byte[]> answer = responder.receive(fixture.message(1));
        assertEquals(IkeState.WAITING_FOR_IKE_AUTH, responder.state());
        IkeMessage response = IkeMessage.decode(answer.get(0));
        ProposalSelection.IkeSuite suite = ProposalSelection.acceptIke(IkeAlgorithms.defaults(),
                response.first(SaPayload.class).orElseThrow()).orElseThrow();
        boolean chacha = name.equals(StrongSwanCase.PSK_CHACHA_ECP256);
        assertEquals(chacha ? IkeEncryption.CHACHA20_POLY1305 : IkeEncryption.AES_GCM_16_128, suite.encryption());
        assertEquals(Prf.PRF_HMAC_SHA2_256, suite.prf());
        KeyExchangeGroup group = chacha ? KeyExchangeGroup.ECP_256 : KeyExchangeGroup.CURVE25519;
        assertEquals(group, suite.group());
        assertEquals(group.keyExchangeDataLength(),
                response.first(KePayload.class).orElseThrow().keyExchangeData().length);
        // README: charon sends a wrong source hash on purpose (kernel-libipsec needs UDP encapsulation).
        assertEquals(new NatStatus(false, true), responder.natStatus());
        assertArrayEquals(answer.get(0), responder.receive(fixture.message(1)).get(0),
                "a retransmitted request gets the same answer");
    }

    private static IkeSessionConfig config(StrongSwanCase fixture) {
        TrafficSelector initiatorNet = TrafficSelector.ipv4Prefix(0xc6336401, 32);
        TrafficSelector responderNet = TrafficSelector.ipv4Prefix(0xc6336402, 32);
        IkeAlgorithms ike = new IkeAlgorithms(List.of(IkeEncryption.values()), List.of(Prf.values()),
                List.of(KeyExchangeGroup.values()));
        return new IkeSessionConfig(IdPayload.fqdn(false, fixture.property("responder_id")),
                IdPayload.fqdn(true, fixture.property("initiator_id")), fixture.hex("psk_hex"), ike,
                EspAlgorithms.defaults(), List.of(responderNet), List.of(initiatorNet),
                new InetSocketAddress(fixture.property("responder_address"), 500),
                new InetSocketAddress(fixture.property("initiator_address"), 500));
    }
}
