package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.IkeMessageProtection;
import espgw.ike.crypto.IkeSaKeys;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.crypto.Prf;
import espgw.ike.message.DeletePayload;
import espgw.ike.message.IkeMessage;
import espgw.ike.message.ProtocolId;
import espgw.sa.Direction;
import espgw.testing.LeakCheckExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * charon's CHILD SA and IKE SA rekeys (the recorded {@code psk-aes128gcm16-prfsha256-x25519-rekey}
 * fixture) read by the code paths an espgw IKE SA uses: the CREATE_CHILD_SA requests opened with
 * the recorded keys and parsed as our responder parses them, the responses as our initiator does,
 * and the keys derived as {@link IkeSa} derives them must be the ones charon logged. (The DH
 * private values are not recorded, so the shared secrets come from the log.)
 */
@ExtendWith(LeakCheckExtension.class)
class CreateChildSaFixtureTest {
    private static final String DIR = "/ike/strongswan/psk-aes128gcm16-prfsha256-x25519-rekey/";
    private static final HexFormat HEX = HexFormat.of();
    /** charon's {@code esp_proposals = aes128gcm16-x25519}: PFS required. */
    private static final EspAlgorithms CHARON_ESP = new EspAlgorithms(List.of(IkeEncryption.AES_GCM_16_128),
            List.of(false), List.of(KeyExchangeGroup.CURVE25519), false);
    private static final IkeAlgorithms CHARON_IKE = new IkeAlgorithms(List.of(IkeEncryption.AES_GCM_16_128),
            List.of(Prf.PRF_HMAC_SHA2_256), List.of(KeyExchangeGroup.CURVE25519));

    private final Properties recorded = new Properties();
    private final IkeSaKeys keys;

    CreateChildSaFixtureTest() throws IOException {
        try (InputStream in = stream("keys.properties")) {
            recorded.load(in);
        }
        keys = IkeSaKeys.derive(Prf.PRF_HMAC_SHA2_256, IkeEncryption.AES_GCM_16_128, hex("ni"), hex("nr"),
                hex("g_ir"), ByteBuffer.wrap(hex("spi_i")).getLong(), ByteBuffer.wrap(hex("spi_r")).getLong());
    }

    @Test
    void ourResponderPathDerivesTheChildSaKeysCharonLoggedForItsPfsRekey() throws Exception {
        assertArrayEquals(hex("sk_d"), keys.skD(), "the IKE SA the rekey runs on");
        IkeMessage request = open("5-create_child_sa-request.bin", false);
        IkeMessage response = open("6-create_child_sa-response.bin", true);
        assertTrue(CreateChildSa.isChildRekey(request));

        CreateChildSa.ChildSaRequest rekey = CreateChildSa.parseChildSaRequest(request, CHARON_ESP);
        assertEquals(ByteBuffer.wrap(hex("child_spi_r_to_i")).getInt(), rekey.rekeyedSpi().orElseThrow(),
                "REKEY_SA names the initiator's inbound SPI of the old pair");
        assertEquals(KeyExchangeGroup.CURVE25519.groupNumber(), rekey.ke().orElseThrow().group(), "PFS with X25519");
        assertEquals(IkeEncryption.AES_GCM_16_128, rekey.suite().encryption());
        assertEquals(Optional.of(KeyExchangeGroup.CURVE25519), rekey.suite().group());
        CreateChildSa.ChildSaResponse answer = CreateChildSa.parseChildSaResponse(response, CHARON_ESP,
                Optional.of(KeyExchangeGroup.CURVE25519));

        byte[] seed = hex("rekey_child_keymat_seed");
        byte[] newSharedSecret = Arrays.copyOf(seed, seed.length - rekey.ni().length - answer.nr().length);
        assertArrayEquals(seed, concat(newSharedSecret, rekey.ni(), answer.nr()), "seed = g^ir (new) | Ni | Nr");
        int responderSpi = ByteBuffer.wrap(hex("rekey_child_spi_i_to_r")).getInt();
        NegotiatedChildSa child = IkeSa.responderChildSa(keys, rekey, newSharedSecret, answer.nr(), responderSpi,
                List.of(IkePeers.RESPONDER_NET), List.of(IkePeers.INITIATOR_NET));
        assertEquals(answer.suite().senderSpi(), child.inboundSpi(), "the SPI charon's responder chose");
        assertEquals(ByteBuffer.wrap(hex("rekey_child_spi_r_to_i")).getInt(), child.outboundSpi());
        assertArrayEquals(hex("rekey_child_encr_i_to_r"), child.keymat(Direction.INBOUND));
        assertArrayEquals(hex("rekey_child_encr_r_to_i"), child.keymat(Direction.OUTBOUND));
    }

    @Test
    void ourParsingAndSkeyseedOfCharonsIkeSaRekeyGiveTheKeysCharonLogged() throws Exception {
        IkeMessage request = open("9-create_child_sa-request.bin", false);
        IkeMessage response = open("10-create_child_sa-response.bin", true);
        assertTrue(CreateChildSa.isIkeRekey(request));
        CreateChildSa.IkeRekey offer = CreateChildSa.parseIkeRekeyRequest(request, CHARON_IKE);
        CreateChildSa.IkeRekey answer = CreateChildSa.parseIkeRekeyResponse(response, CHARON_IKE,
                KeyExchangeGroup.CURVE25519);
        assertEquals(ByteBuffer.wrap(hex("rekey_ike_spi_i")).getLong(), offer.spi());
        assertEquals(ByteBuffer.wrap(hex("rekey_ike_spi_r")).getLong(), answer.spi());
        IkeSaKeys rekeyed = keys.rekey(answer.suite().prf(), answer.suite().encryption(), hex("rekey_ike_g_ir"),
                offer.nonce(), answer.nonce(), offer.spi(), answer.spi());
        assertArrayEquals(hex("rekey_ike_sk_d"), rekeyed.skD());
        assertArrayEquals(hex("rekey_ike_sk_ei"), rekeyed.skEi());
        assertArrayEquals(hex("rekey_ike_sk_er"), rekeyed.skEr());
        // The new IKE SA's first request (message ID 0, the rekey's initiator now sets the I flag)
        // opens with those keys as the new SA's responder, as IkeSa's channel for it would.
        byte[] delete = bytes("13-informational-request.bin");
        IkeMessage opened = new IkeMessageProtection(rekeyed, false).open(IkeMessage.decode(delete), delete)
                .orElseThrow();
        assertEquals(0, opened.header().messageId());
        assertTrue(opened.header().isInitiator());
        assertEquals(ProtocolId.IKE, opened.first(DeletePayload.class).orElseThrow().protocolId());
    }

    /** A message of the first IKE SA opened as the receiving side does. */
    private IkeMessage open(String file, boolean fromResponder) throws Exception {
        byte[] datagram = bytes(file);
        return new IkeMessageProtection(keys, fromResponder).open(IkeMessage.decode(datagram), datagram).orElseThrow();
    }

    private byte[] hex(String key) {
        return HEX.parseHex(recorded.getProperty(key));
    }

    private static byte[] bytes(String file) throws IOException {
        try (InputStream in = stream(file)) {
            return in.readAllBytes();
        }
    }

    private static InputStream stream(String file) {
        return CreateChildSaFixtureTest.class.getResourceAsStream(DIR + file);
    }

    private static byte[] concat(byte[]... parts) {
        return ByteBuffer.allocate(Arrays.stream(parts).mapToInt(p -> p.length).sum())
                .put(parts[0]).put(parts[1]).put(parts[2]).array();
    }
}
