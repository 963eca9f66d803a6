package espgw.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The known-answer vectors of the shared folder ({@code ../shared/vectors/esp-kat.json}, see the
 * README beside it), read from their copy among the test resources ({@link #RESOURCE}) so that a
 * clone alone runs them; {@code KnownAnswerVectorsTest} checks that the copy is the shared file.
 * A missing copy fails loudly: a silently skipped KAT is worse than none.
 */
public final class KnownAnswerVectors {
    private static final HexFormat HEX = HexFormat.of();

    /** One vector; byte fields decoded from hex, absent ones empty. */
    public record Vector(String id, String kind, String algorithm, byte[] key, byte[] keymat, int spi, long seq,
            boolean esn, long iv, byte[] nonce, byte[] aad, byte[] plaintext, byte[] payload, int padLength,
            int nextHeader, byte[] ciphertextAndTag, byte[] espPacket) {

        /** The espgw algorithm, or null for kinds espgw does not implement. */
        public AeadAlgorithm aeadAlgorithm() {
            switch (algorithm) {
                case "AES-GCM-ESP":
                    return key.length == 16 ? AeadAlgorithm.AES_GCM_128
                            : key.length == 24 ? AeadAlgorithm.AES_GCM_192 : AeadAlgorithm.AES_GCM_256;
                case "CHACHA20-POLY1305-ESP":
                case "AEAD_CHACHA20_POLY1305":
                    return AeadAlgorithm.CHACHA20_POLY1305;
                default:
                    return null;
            }
        }

        @Override
        public String toString() {
            return id;
        }
    }

    private KnownAnswerVectors() {
    }

    /** The copy of {@code ../shared/vectors/esp-kat.json}, on the test class path. */
    static final String RESOURCE = "/vectors/esp-kat.json";

    /** The file's octets, as copied. */
    static byte[] copy() {
        try (InputStream in = KnownAnswerVectors.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("known-answer vectors missing from the test resources: " + RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Vector> all() {
        try {
            JsonNode root = new ObjectMapper().readTree(copy());
            List<Vector> vectors = new ArrayList<>();
            for (JsonNode v : root.get("vectors")) {
                vectors.add(parse(v));
            }
            return vectors;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Vector> ofKind(String kind) {
        return all().stream().filter(v -> v.kind().equals(kind)).toList();
    }

    private static Vector parse(JsonNode v) {
        byte[] nonce = hex(v, "nonce");
        byte[] seq = hex(v, "seq");
        return new Vector(v.get("id").asText(), v.get("kind").asText(), v.get("algorithm").asText(),
                hex(v, "key"), v.has("keymat") ? hex(v, "keymat") : concat(hex(v, "key"), nonce, 4),
                v.has("spi") ? (int) Long.parseLong(v.get("spi").asText(), 16) : 0,
                seq.length == 0 ? 0 : Long.parseUnsignedLong(v.get("seq").asText(), 16),
                v.path("esn").asBoolean(false),
                v.has("iv") ? Long.parseUnsignedLong(v.get("iv").asText(), 16) : tail(nonce),
                nonce, hex(v, "aad"), hex(v, "plaintext"), hex(v, "payload"), v.path("pad_len").asInt(-1),
                v.path("next_header").asInt(-1), hex(v, "ciphertext_and_tag"), hex(v, "esp_packet"));
    }

    private static byte[] hex(JsonNode v, String field) {
        JsonNode node = v.get(field);
        return node == null ? new byte[0] : HEX.parseHex(node.asText());
    }

    private static byte[] concat(byte[] a, byte[] b, int bLength) {
        byte[] out = new byte[a.length + bLength];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, bLength);
        return out;
    }

    /** The last 8 octets of a 12-octet nonce: salt || IV (RFC 4106 §4, RFC 8439 §2.8 likewise). */
    private static long tail(byte[] nonce) {
        long iv = 0;
        for (int i = 4; i < 12; i++) {
            iv = iv << 8 | (nonce[i] & 0xFF);
        }
        return iv;
    }
}
