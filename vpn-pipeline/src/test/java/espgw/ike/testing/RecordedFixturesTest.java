package espgw.ike.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the fixtures recorded from strongSwan (src/test/resources/ike/strongswan, see its README)
 * against RFC 7296 with nothing but the JDK: every key in keys.properties follows from g^ir, the
 * nonces and the SPIs; the keys open every encrypted message and both ESP packets; the AUTH payloads
 * are what §2.15 says. So the fixtures mean what the README says, and a re-recording that broke
 * them would fail here.
 */
class RecordedFixturesTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String DIR = "/ike/strongswan/";
    private static final int IKE_HEADER = 28;
    private static final int SK_PAYLOAD_HEADER = 4;
    private static final int IV = 8;
    private static final int ICV = 16;
    private static final int SALT = 4;
    private static final int PAYLOAD_IDI = 35;
    private static final int PAYLOAD_IDR = 36;
    private static final int PAYLOAD_AUTH = 39;
    private static final int PAYLOAD_NONCE = 40;
    /** RFC 7296 §3.1: the header's Flags octet, and its bit set by the original initiator of the IKE SA. */
    private static final int FLAGS = 19;
    private static final int FLAG_INITIATOR = 0x08;
    private static final int AUTH_SHARED_KEY_MIC = 2;
    private static final int AUTH_DIGITAL_SIGNATURE = 14;
    private static final byte[] KEY_PAD = "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest
    @ValueSource(strings = {"psk-aes128gcm16-prfsha256-x25519", "psk-chacha20poly1305-prfsha256-ecp256",
            "ed25519-cert-aes128gcm16-prfsha256-x25519", "psk-initiator-default-proposals",
            "psk-aes128gcm16-prfsha256-x25519-rekey"})
    void everyKeyFollowsFromTheExchangeAndOpensWhatWasSent(String name) throws Exception {
        Fixture f = new Fixture(name);
        boolean chacha = f.value("ike_proposal").contains("CHACHA20_POLY1305");
        int encrKey = chacha ? 32 + SALT : 16 + SALT;
        byte[] ni = f.hex("ni");
        byte[] nr = f.hex("nr");

        // RFC 7296 §2.14
        byte[] skeyseed = prf(concat(ni, nr), f.hex("g_ir"));
        assertArrayEquals(f.hex("skeyseed"), skeyseed);
        byte[] keys = prfPlus(skeyseed, concat(ni, nr, f.hex("spi_i"), f.hex("spi_r")), 32 + 2 * encrKey + 64);
        int at = 0;
        for (String key : new String[] {"sk_d", "sk_ei", "sk_er", "sk_pi", "sk_pr"}) {
            int length = key.startsWith("sk_e") ? encrKey : 32;
            assertArrayEquals(f.hex(key), Arrays.copyOfRange(keys, at, at + length), key);
            at += length;
        }
        // RFC 7296 §2.17, no PFS
        byte[] keymat = prfPlus(f.hex("sk_d"), concat(ni, nr), 2 * encrKey);
        assertArrayEquals(f.hex("child_encr_i_to_r"), Arrays.copyOf(keymat, encrKey));
        assertArrayEquals(f.hex("child_encr_r_to_i"), Arrays.copyOfRange(keymat, encrKey, 2 * encrKey));

        byte[] authRequest = open(f.file("3-ike_auth-request.bin"), f.hex("sk_ei"), chacha);
        byte[] authResponse = open(f.file("4-ike_auth-response.bin"), f.hex("sk_er"), chacha);
        for (String message : f.messagesAfterIkeAuth()) {
            byte[] bytes = f.file(message);
            boolean rekeyedSa = f.has("rekey_ike_spi_i")
                    && Arrays.equals(Arrays.copyOf(bytes, 8), f.hex("rekey_ike_spi_i"));
            boolean fromOriginalInitiator = (bytes[FLAGS] & FLAG_INITIATOR) != 0;
            String key = (rekeyedSa ? "rekey_ike_" : "") + (fromOriginalInitiator ? "sk_ei" : "sk_er");
            open(bytes, f.hex(key), chacha);
        }
        if (f.has("rekey_ike_skeyseed")) {
            assertRekeys(f, encrKey, chacha);
        }

        // RFC 7296 §2.15: message ‖ peer's nonce ‖ prf(SK_p, ID body)
        byte[] idi = payload(authRequest, PAYLOAD_IDI);
        assertArrayEquals(concat(new byte[] {2, 0, 0, 0}, f.value("initiator_id").getBytes(StandardCharsets.US_ASCII)),
                idi, "IDi: ID_FQDN");
        byte[] octetsI = concat(f.file("1-ike_sa_init-request.bin"), nr, prf(f.hex("sk_pi"), idi));
        byte[] octetsR = concat(f.file("2-ike_sa_init-response.bin"), ni,
                prf(f.hex("sk_pr"), payload(authResponse, PAYLOAD_IDR)));
        assertArrayEquals(f.hex("auth_octets_i"), octetsI);
        assertArrayEquals(f.hex("auth_octets_r"), octetsR);
        byte[] authI = payload(authRequest, PAYLOAD_AUTH);
        byte[] authR = payload(authResponse, PAYLOAD_AUTH);
        if (f.has("psk")) {
            byte[] psk = f.value("psk").getBytes(StandardCharsets.US_ASCII);
            assertEquals(AUTH_SHARED_KEY_MIC, authI[0]);
            assertArrayEquals(prf(prf(psk, KEY_PAD), octetsI), Arrays.copyOfRange(authI, 4, authI.length));
            assertArrayEquals(f.hex("auth_psk_i"), Arrays.copyOfRange(authI, 4, authI.length));
            assertArrayEquals(f.hex("auth_psk_r"), Arrays.copyOfRange(authR, 4, authR.length));
        } else {
            assertTrue(verifiesEd25519(f, "initiator-cert.pem", authI, octetsI), "initiator's AUTH signature");
            assertTrue(verifiesEd25519(f, "responder-cert.pem", authR, octetsR), "responder's AUTH signature");
        }

        assertEsp(f, "esp-initiator-to-responder.bin", "child_spi_i_to_r", "child_encr_i_to_r", chacha);
        assertEsp(f, "esp-responder-to-initiator.bin", "child_spi_r_to_i", "child_encr_r_to_i", chacha);
    }

    /**
     * The rekey case: CREATE_CHILD_SA for the CHILD SA with PFS (KEYMAT = prf+(SK_d, g^ir (new) ‖ Ni ‖ Nr),
     * RFC 7296 §2.17), then for the IKE SA (SKEYSEED = prf(SK_d (old), g^ir (new) ‖ Ni ‖ Nr), §2.18),
     * the nonces read from the exchange itself (messages 5/6 and 9/10, under the old IKE SA).
     */
    private static void assertRekeys(Fixture f, int encrKey, boolean chacha) throws Exception {
        byte[] childNonces = concat(payload(open(f.file("5-create_child_sa-request.bin"), f.hex("sk_ei"), chacha),
                PAYLOAD_NONCE), payload(open(f.file("6-create_child_sa-response.bin"), f.hex("sk_er"), chacha),
                PAYLOAD_NONCE));
        byte[] seed = f.hex("rekey_child_keymat_seed");
        assertArrayEquals(childNonces, Arrays.copyOfRange(seed, seed.length - childNonces.length, seed.length));
        byte[] keymat = prfPlus(f.hex("sk_d"), seed, 2 * encrKey);
        assertArrayEquals(f.hex("rekey_child_encr_i_to_r"), Arrays.copyOf(keymat, encrKey));
        assertArrayEquals(f.hex("rekey_child_encr_r_to_i"), Arrays.copyOfRange(keymat, encrKey, 2 * encrKey));

        byte[] ni = payload(open(f.file("9-create_child_sa-request.bin"), f.hex("sk_ei"), chacha), PAYLOAD_NONCE);
        byte[] nr = payload(open(f.file("10-create_child_sa-response.bin"), f.hex("sk_er"), chacha), PAYLOAD_NONCE);
        byte[] skeyseed = prf(f.hex("sk_d"), concat(f.hex("rekey_ike_g_ir"), ni, nr));
        assertArrayEquals(f.hex("rekey_ike_skeyseed"), skeyseed);
        byte[] keys = prfPlus(skeyseed, concat(ni, nr, f.hex("rekey_ike_spi_i"), f.hex("rekey_ike_spi_r")),
                32 + 2 * encrKey);
        assertArrayEquals(f.hex("rekey_ike_sk_d"), Arrays.copyOf(keys, 32));
        assertArrayEquals(f.hex("rekey_ike_sk_ei"), Arrays.copyOfRange(keys, 32, 32 + encrKey));
        assertArrayEquals(f.hex("rekey_ike_sk_er"), Arrays.copyOfRange(keys, 32 + encrKey, 32 + 2 * encrKey));
    }

    /** ESP (RFC 4303 §2) with an AEAD: AAD = SPI ‖ sequence number; the tunnelled packet is IPv4. */
    private static void assertEsp(Fixture f, String file, String spi, String key, boolean chacha)
            throws GeneralSecurityException, IOException {
        byte[] packet = f.file(file);
        assertArrayEquals(f.hex(spi), Arrays.copyOf(packet, 4), file + " SPI");
        byte[] plain = aeadOpen(f.hex(key), Arrays.copyOfRange(packet, 8, 16), Arrays.copyOf(packet, 8),
                Arrays.copyOfRange(packet, 16, packet.length), chacha);
        assertEquals(0x45, plain[0] & 0xff, file + ": an IPv4 packet inside");
        assertEquals(4, plain[plain.length - 1], file + ": next header IPv4");
    }

    /** The Encrypted payload (RFC 7296 §3.14, RFC 5282 §5.1): the payload chain inside, padding removed. */
    private static byte[] open(byte[] message, byte[] key, boolean chacha) throws GeneralSecurityException {
        int ivAt = IKE_HEADER + SK_PAYLOAD_HEADER;
        byte[] plain = aeadOpen(key, Arrays.copyOfRange(message, ivAt, ivAt + IV), Arrays.copyOf(message, ivAt),
                Arrays.copyOfRange(message, ivAt + IV, message.length), chacha);
        int padLength = plain[plain.length - 1] & 0xff;
        byte[] chain = Arrays.copyOf(plain, plain.length - 1 - padLength);
        // the first inner payload's type is in the SK payload's Next Payload field
        return concat(new byte[] {message[IKE_HEADER]}, chain);
    }

    /** The body of the first payload of {@code type} in a chain prefixed by its first type. */
    private static byte[] payload(byte[] typedChain, int type) {
        int next = typedChain[0] & 0xff;
        int at = 1;
        while (next != 0) {
            int length = ((typedChain[at + 2] & 0xff) << 8) | (typedChain[at + 3] & 0xff);
            if (next == type) {
                return Arrays.copyOfRange(typedChain, at + 4, at + length);
            }
            next = typedChain[at] & 0xff;
            at += length;
        }
        throw new AssertionError("no payload of type " + type);
    }

    /** RFC 8420: AUTH method 14, an AlgorithmIdentifier (id-Ed25519), then the signature. */
    private static boolean verifiesEd25519(Fixture f, String certificate, byte[] auth, byte[] octets)
            throws GeneralSecurityException, IOException {
        assertEquals(AUTH_DIGITAL_SIGNATURE, auth[0]);
        byte[] ed25519AlgorithmIdentifier = HEX.parseHex("3005" + "06032b6570");
        int algorithmIdAt = 5;
        assertEquals(ed25519AlgorithmIdentifier.length, auth[4]);
        assertArrayEquals(ed25519AlgorithmIdentifier,
                Arrays.copyOfRange(auth, algorithmIdAt, algorithmIdAt + ed25519AlgorithmIdentifier.length));
        X509Certificate cert;
        try (InputStream in = f.stream(certificate)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(cert.getPublicKey());
        verifier.update(octets);
        return verifier.verify(Arrays.copyOfRange(auth, algorithmIdAt + ed25519AlgorithmIdentifier.length, auth.length));
    }

    /** AES-GCM with a 16-byte ICV (RFC 4106/5282) or ChaCha20-Poly1305 (RFC 7634): nonce = salt ‖ IV. */
    private static byte[] aeadOpen(byte[] keyAndSalt, byte[] iv, byte[] aad, byte[] ciphertextAndIcv, boolean chacha)
            throws GeneralSecurityException {
        byte[] key = Arrays.copyOf(keyAndSalt, keyAndSalt.length - SALT);
        byte[] nonce = concat(Arrays.copyOfRange(keyAndSalt, key.length, keyAndSalt.length), iv);
        Cipher cipher = Cipher.getInstance(chacha ? "ChaCha20-Poly1305" : "AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, chacha ? "ChaCha20" : "AES"),
                chacha ? new IvParameterSpec(nonce) : new GCMParameterSpec(ICV * 8, nonce));
        cipher.updateAAD(aad);
        return cipher.doFinal(ciphertextAndIcv);
    }

    private static byte[] prf(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }

    /** RFC 7296 §2.13: T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n). */
    private static byte[] prfPlus(byte[] key, byte[] seed, int length) throws GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] t = new byte[0];
        for (int n = 1; out.size() < length; n++) {
            t = prf(key, concat(t, seed, new byte[] {(byte) n}));
            out.writeBytes(t);
        }
        return Arrays.copyOf(out.toByteArray(), length);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static final class Fixture {
        private final String name;
        private final Properties keys = new Properties();

        Fixture(String name) throws IOException {
            this.name = name;
            try (InputStream in = stream("keys.properties")) {
                keys.load(in);
            }
        }

        boolean has(String key) {
            return keys.containsKey(key);
        }

        String value(String key) {
            String value = keys.getProperty(key);
            if (value == null || value.isEmpty()) {
                throw new AssertionError(name + "/keys.properties has no " + key);
            }
            return value;
        }

        byte[] hex(String key) {
            return HEX.parseHex(value(key));
        }

        byte[] file(String file) throws IOException {
            try (InputStream in = stream(file)) {
                return in.readAllBytes();
            }
        }

        /** Message files numbered 3 and on (everything after IKE_SA_INIT), in order. */
        List<String> messagesAfterIkeAuth() throws IOException, URISyntaxException {
            try (Stream<Path> files = Files.list(Path.of(RecordedFixturesTest.class.getResource(DIR + name).toURI()))) {
                return files.map(p -> p.getFileName().toString())
                        .filter(n -> n.matches("\\d+-.*\\.bin") && Integer.parseInt(n.split("-")[0]) >= 3)
                        .sorted(Comparator.comparingInt(n -> Integer.parseInt(n.split("-")[0])))
                        .toList();
            }
        }

        InputStream stream(String file) {
            InputStream in = RecordedFixturesTest.class.getResourceAsStream(DIR + name + "/" + file);
            if (in == null) {
                throw new AssertionError("missing fixture " + DIR + name + "/" + file);
            }
            return in;
        }
    }
}
