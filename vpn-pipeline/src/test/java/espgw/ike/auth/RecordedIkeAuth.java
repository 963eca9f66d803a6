package espgw.ike.auth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One side's IKE_AUTH message of a recorded strongSwan certificate exchange (src/test/resources/
 * ike/strongswan/{ed25519,ecdsa}-cert-aes128gcm16-*, see the README there), opened with the JDK alone the way espgw.ike.testing.RecordedFixturesTest does: the ID, CERT and
 * AUTH payload bodies, and the octets charon signed (logged by charon, checked against RFC 7296
 * §2.15 by RecordedFixturesTest).
 */
final class RecordedIkeAuth {
    static final String ED25519 = "ed25519-cert-aes128gcm16-prfsha256-x25519";
    static final String ECDSA = "ecdsa-cert-aes128gcm16-prfsha256-ecp256";
    private static final String DIR = "/ike/strongswan/";
    private static final int IKE_HEADER = 28;
    private static final int SK_PAYLOAD_HEADER = 4;
    private static final int IV = 8;
    private static final int ICV_BITS = 128;
    private static final int SALT = 4;
    private static final int PAYLOAD_IDI = 35;
    private static final int PAYLOAD_IDR = 36;
    private static final int PAYLOAD_CERT = 37;
    private static final int PAYLOAD_AUTH = 39;
    /** RFC 7296 §3.5, §3.6, §3.8: ID Type / Cert Encoding / Auth Method, then RESERVED (not in CERT). */
    private static final int ID_HEADER = 4;
    private static final int CERT_HEADER = 1;
    private static final int AUTH_HEADER = 4;

    final int idType;
    final byte[] idData;
    final List<byte[]> certificates = new ArrayList<>();
    final int authMethod;
    final byte[] authData;
    final byte[] signedOctets;
    private final String fixture;
    private final boolean initiator;

    private RecordedIkeAuth(String fixture, byte[] chain, boolean initiator, byte[] signedOctets) {
        byte[] id = payloads(chain, initiator ? PAYLOAD_IDI : PAYLOAD_IDR).get(0);
        idType = id[0];
        idData = Arrays.copyOfRange(id, ID_HEADER, id.length);
        for (byte[] cert : payloads(chain, PAYLOAD_CERT)) {
            certificates.add(Arrays.copyOfRange(cert, CERT_HEADER, cert.length));
        }
        byte[] auth = payloads(chain, PAYLOAD_AUTH).get(0);
        authMethod = auth[0];
        authData = Arrays.copyOfRange(auth, AUTH_HEADER, auth.length);
        this.signedOctets = signedOctets;
        this.fixture = fixture;
        this.initiator = initiator;
    }

    /** Message 3 (the initiator's IKE_AUTH request) or 4 (the responder's answer) of {@code fixture}. */
    static RecordedIkeAuth of(String fixture, boolean initiator) throws IOException, GeneralSecurityException {
        Properties keys = new Properties();
        try (InputStream in = stream(fixture, "keys.properties")) {
            keys.load(in);
        }
        HexFormat hex = HexFormat.of();
        byte[] message = bytes(fixture, initiator ? "3-ike_auth-request.bin" : "4-ike_auth-response.bin");
        byte[] chain = open(message, hex.parseHex(keys.getProperty(initiator ? "sk_ei" : "sk_er")));
        return new RecordedIkeAuth(fixture, chain, initiator,
                hex.parseHex(keys.getProperty(initiator ? "auth_octets_i" : "auth_octets_r")));
    }

    /** The sender's identity as the fixture's certificates name it. */
    String id() {
        return initiator ? "initiator.espgw.test" : "responder.espgw.test";
    }

    /** A PEM file of the fixture: the sender's {@code key}/{@code cert}, or {@code ca-cert}. */
    String pem(String name) throws IOException {
        String file = name.startsWith("ca-") ? name : (initiator ? "initiator-" : "responder-") + name;
        return new String(bytes(fixture, file + ".pem"), StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(String fixture, String file) throws IOException {
        try (InputStream in = stream(fixture, file)) {
            return in.readAllBytes();
        }
    }

    private static InputStream stream(String fixture, String file) {
        String path = DIR + fixture + "/" + file;
        InputStream in = RecordedIkeAuth.class.getResourceAsStream(path);
        if (in == null) {
            throw new AssertionError("missing fixture " + path);
        }
        return in;
    }

    /** RFC 5282 §5.1 with AES-GCM-16: nonce = salt ‖ IV, AAD = IKE header ‖ SK header; the chain prefixed by its first type. */
    private static byte[] open(byte[] message, byte[] keyAndSalt) throws GeneralSecurityException {
        int ivAt = IKE_HEADER + SK_PAYLOAD_HEADER;
        byte[] key = Arrays.copyOf(keyAndSalt, keyAndSalt.length - SALT);
        byte[] nonce = new byte[SALT + IV];
        System.arraycopy(keyAndSalt, key.length, nonce, 0, SALT);
        System.arraycopy(message, ivAt, nonce, SALT, IV);
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(ICV_BITS, nonce));
        gcm.updateAAD(message, 0, ivAt);
        byte[] plain = gcm.doFinal(message, ivAt + IV, message.length - ivAt - IV);
        int padLength = plain[plain.length - 1] & 0xff;
        ByteArrayOutputStream chain = new ByteArrayOutputStream();
        chain.write(message[IKE_HEADER]);
        chain.write(plain, 0, plain.length - 1 - padLength);
        return chain.toByteArray();
    }

    /** The bodies of every payload of {@code type}, in order. */
    private static List<byte[]> payloads(byte[] typedChain, int type) {
        List<byte[]> found = new ArrayList<>();
        int next = typedChain[0] & 0xff;
        for (int at = 1; next != 0; ) {
            int length = ((typedChain[at + 2] & 0xff) << 8) | (typedChain[at + 3] & 0xff);
            if (next == type) {
                found.add(Arrays.copyOfRange(typedChain, at + 4, at + length));
            }
            next = typedChain[at] & 0xff;
            at += length;
        }
        if (found.isEmpty()) {
            throw new AssertionError("no payload of type " + type);
        }
        return found;
    }
}
