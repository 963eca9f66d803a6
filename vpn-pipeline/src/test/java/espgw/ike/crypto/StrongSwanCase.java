package espgw.ike.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Properties;

/**
 * One recorded strongSwan 5.9.8 exchange under {@code src/test/resources/ike/strongswan/<case>/}
 * (see the README there): the wire messages and charon's logged keys. A missing file fails the
 * test: a silently skipped interop check is worse than none.
 */
public record StrongSwanCase(String name) {
    public static final String PSK_AES_GCM_X25519 = "psk-aes128gcm16-prfsha256-x25519";
    public static final String PSK_CHACHA_ECP256 = "psk-chacha20poly1305-prfsha256-ecp256";
    public static final String ED25519_CERT = "ed25519-cert-aes128gcm16-prfsha256-x25519";
    /** Not in {@link #ALL}: RecordedFixturesTest verifies Ed25519 signatures only. */
    public static final String ECDSA_CERT = "ecdsa-cert-aes128gcm16-prfsha256-ecp256";
    public static final String[] ALL = {PSK_AES_GCM_X25519, PSK_CHACHA_ECP256, ED25519_CERT};

    private static final HexFormat HEX = HexFormat.of();
    private static final String[] MESSAGES = {"1-ike_sa_init-request.bin", "2-ike_sa_init-response.bin",
        "3-ike_auth-request.bin", "4-ike_auth-response.bin", "5-informational-request.bin",
        "6-informational-response.bin"};

    /** Message 1 to 6 as on the wire (1 and 2 IKE_SA_INIT, 3 and 4 IKE_AUTH, 5 and 6 the delete). */
    public byte[] message(int number) {
        return file(MESSAGES[number - 1]);
    }

    public int messageCount() {
        return MESSAGES.length;
    }

    public byte[] file(String fileName) {
        String path = "/ike/strongswan/" + name + "/" + fileName;
        try (InputStream in = StrongSwanCase.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("fixture missing: " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String text(String fileName) {
        return new String(file(fileName), java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** A value of keys.properties as text. */
    public String property(String key) {
        Properties properties = new Properties();
        try (InputStream in = new java.io.ByteArrayInputStream(file("keys.properties"))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalStateException(name + "/keys.properties has no " + key);
        }
        return value;
    }

    /** A hex value of keys.properties as bytes. */
    public byte[] hex(String key) {
        return HEX.parseHex(property(key));
    }

    public boolean isPsk() {
        return name.startsWith("psk-");
    }

    @Override
    public String toString() {
        return name;
    }
}
