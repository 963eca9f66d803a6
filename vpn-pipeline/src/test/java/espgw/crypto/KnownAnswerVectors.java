package espgw.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The shared known-answer vectors ({@code ${espgw.shared.dir}/vectors/esp-kat.json}, see the
 * README beside it). Missing file or property fails loudly: a silently skipped KAT is worse than
 * none.
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

    public static Path file() {
        String shared = System.getProperty("espgw.shared.dir");
        if (shared == null) {
            throw new IllegalStateException("system property espgw.shared.dir is not set (surefire sets it to"
                    + " the 'shared' folder beside the repository)");
        }
        Path file = Path.of(shared, "vectors", "esp-kat.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("known-answer vectors missing: " + file.toAbsolutePath());
        }
        return file;
    }

    public static List<Vector> all() {
        try {
            JsonNode root = new ObjectMapper().readTree(file().toFile());
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
