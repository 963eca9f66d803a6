package espgw.ike.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.IkeMessageProtection;
import espgw.ike.crypto.IkeSaKeys;
import espgw.ike.crypto.Prf;
import espgw.ike.crypto.StrongSwanCase;
import espgw.ike.message.IkeHeader;
import espgw.ike.message.IkeMessage;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * charon's recorded Delete of an IKE SA (message 5 of each PSK fixture) handed to an
 * {@link EstablishedIkeSa} with the keys of that IKE SA: it opens, ends the SA, and the response
 * opens with charon's keys as an empty INFORMATIONAL response to the same message ID.
 */
class StrongSwanInformationalTest {
    @ParameterizedTest
    @CsvSource({
        "psk-aes128gcm16-prfsha256-x25519,      AES_GCM_16_128",
        "psk-chacha20poly1305-prfsha256-ecp256, CHACHA20_POLY1305"
    })
    void charonsDeleteIsAnsweredAndEndsTheIkeSa(String fixture, IkeEncryption encryption) throws Exception {
        StrongSwanCase recorded = new StrongSwanCase(fixture);
        long spiI = Long.parseUnsignedLong(recorded.property("spi_i"), 16);
        long spiR = Long.parseUnsignedLong(recorded.property("spi_r"), 16);
        IkeSaKeys keys = IkeSaKeys.derive(Prf.PRF_HMAC_SHA2_256, encryption, recorded.hex("ni"), recorded.hex("nr"),
                recorded.hex("g_ir"), spiI, spiR);
        byte[] delete = recorded.message(5);
        IkeHeader header = IkeMessage.decode(delete).header();
        boolean charonInitiated = header.isInitiator();
        // We are the other end of the recorded IKE SA.
        EstablishedIkeSa ours = new EstablishedIkeSa(spiI, spiR, !charonInitiated,
                new IkeMessageProtection(keys, !charonInitiated), header.messageId(), null);

        List<byte[]> response = ours.receive(delete);

        assertTrue(ours.deleted(), "charon's Delete opened with the recorded IKE SA's keys");
        assertEquals(1, response.size());
        IkeMessageProtection charon = new IkeMessageProtection(keys, charonInitiated);
        IkeMessage opened = charon.open(IkeMessage.decode(response.get(0)), response.get(0)).orElseThrow();
        assertTrue(opened.header().isResponse());
        assertEquals(header.messageId(), opened.header().messageId());
        assertEquals(!charonInitiated, opened.header().isInitiator());
        assertTrue(opened.payloads().isEmpty(), opened.toString());
    }
}
