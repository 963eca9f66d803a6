package espgw.ike.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code swanctl --list-sas --raw}: one {@code list-sa event {NAME {key=value ... child-sas
 * {NAME {...}}}}} line per IKE SA, in vici's raw notation (sections in braces, lists in brackets).
 * A value ends where the next {@code key=} or {@code key {} begins, so a value with spaces (a DN
 * identity such as {@code CN=espgw test CA}) survives unless a later word in it is followed by '='.
 */
public final class SwanctlSas {
    private static final String EVENT = "list-sa event ";
    /** What follows the end of a value: spaces then a key and '=' or " {", or the end of a section. */
    private static final Pattern VALUE = Pattern.compile("(.*?)(?=\\s+[A-Za-z0-9_.-]+(?:=|\\s\\{)|\\s*\\}|$)");

    private SwanctlSas() {
    }

    public record IkeSa(String name, Map<String, Object> values, List<ChildSa> children) {
        public String get(String key) {
            return (String) values.get(key);
        }

        public String state() {
            return get("state");
        }

        public int remotePort() {
            return Integer.parseInt(get("remote-port"));
        }

        /** e.g. {@code AES_GCM_16/128/PRF_HMAC_SHA2_256/CURVE_25519}; the key size only where one is named. */
        public String algorithms() {
            return join(get("encr-alg"), get("encr-keysize"), get("integ-alg"), get("prf-alg"), get("dh-group"));
        }
    }

    public record ChildSa(String name, Map<String, Object> values) {
        public String get(String key) {
            return (String) values.get(key);
        }

        public String state() {
            return get("state");
        }

        public boolean encap() {
            return "yes".equals(get("encap"));
        }

        public long packetsIn() {
            return Long.parseLong(get("packets-in"));
        }

        public long packetsOut() {
            return Long.parseLong(get("packets-out"));
        }

        /** e.g. {@code AES_GCM_16/128} or {@code CHACHA20_POLY1305}. */
        public String algorithms() {
            return join(get("encr-alg"), get("encr-keysize"), get("integ-alg"), get("dh-group"));
        }

        @SuppressWarnings("unchecked")
        public List<String> localTs() {
            return (List<String>) values.get("local-ts");
        }

        @SuppressWarnings("unchecked")
        public List<String> remoteTs() {
            return (List<String>) values.get("remote-ts");
        }
    }

    public static List<IkeSa> parse(String output) {
        List<IkeSa> sas = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (!line.startsWith(EVENT)) {
                continue;
            }
            Reader reader = new Reader(line.substring(EVENT.length()).strip());
            reader.expect('{');
            Map<String, Object> event = reader.section();
            for (Map.Entry<String, Object> ike : event.entrySet()) {
                sas.add(ikeSa(ike.getKey(), asSection(ike.getValue())));
            }
        }
        return sas;
    }

    private static IkeSa ikeSa(String name, Map<String, Object> values) {
        List<ChildSa> children = new ArrayList<>();
        Object childSas = values.get("child-sas");
        if (childSas != null) {
            asSection(childSas).forEach((childName, child) -> children.add(new ChildSa(childName, asSection(child))));
        }
        return new IkeSa(name, values, children);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asSection(Object value) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("expected a section, got " + value);
        }
        return (Map<String, Object>) value;
    }

    private static String join(String... parts) {
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (part != null) {
                out.append(out.length() == 0 ? "" : "/").append(part);
            }
        }
        return out.toString();
    }

    /** Recursive descent over one event: sections, key=value, key=[list]. */
    private static final class Reader {
        private final String text;
        private int at;

        Reader(String text) {
            this.text = text;
        }

        /** Entries up to and including the closing brace. */
        Map<String, Object> section() {
            Map<String, Object> entries = new LinkedHashMap<>();
            while (true) {
                skipSpaces();
                if (peek() == '}') {
                    at++;
                    return entries;
                }
                String key = key();
                skipSpaces();
                char next = peek();
                at++;
                if (next == '{') {
                    entries.put(key, section());
                } else if (next == '=' && peek() == '[') {
                    at++;
                    entries.put(key, list());
                } else if (next == '=') {
                    entries.put(key, value());
                } else {
                    throw new IllegalArgumentException("unexpected '" + next + "' after " + key + " at " + at + ": " + text);
                }
            }
        }

        void expect(char c) {
            skipSpaces();
            if (peek() != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + at + ": " + text);
            }
            at++;
        }

        private String key() {
            int start = at;
            while (at < text.length() && " ={}".indexOf(text.charAt(at)) < 0) {
                at++;
            }
            if (start == at) {
                throw new IllegalArgumentException("expected a key at " + at + ": " + text);
            }
            return text.substring(start, at);
        }

        private String value() {
            Matcher m = VALUE.matcher(text).region(at, text.length());
            if (!m.lookingAt()) {
                throw new IllegalArgumentException("unreadable value at " + at + ": " + text);
            }
            at = m.end(1);
            return m.group(1);
        }

        private List<String> list() {
            int end = text.indexOf(']', at);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated list at " + at + ": " + text);
            }
            String items = text.substring(at, end).strip();
            at = end + 1;
            return items.isEmpty() ? List.of() : List.of(items.split("\\s+"));
        }

        private void skipSpaces() {
            while (at < text.length() && text.charAt(at) == ' ') {
                at++;
            }
        }

        private char peek() {
            if (at >= text.length()) {
                throw new IllegalArgumentException("unexpected end: " + text);
            }
            return text.charAt(at);
        }
    }
}
