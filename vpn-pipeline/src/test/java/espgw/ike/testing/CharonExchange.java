package espgw.ike.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One IKE exchange as charon logs it at its default level ({@code generating CREATE_CHILD_SA
 * request 2 [ N(REKEY_SA) SA No KE TSi TSr ]}, then {@code parsed CREATE_CHILD_SA response 2 [
 * ... ]}): what the payloads of a request and of its answer were, which the encrypted datagrams
 * do not show.
 *
 * @param byCharon charon sent the request (else it answered the peer's)
 * @param request the request's payloads as charon names them, e.g. {@code N(REKEY_SA)}, {@code KE}
 */
public record CharonExchange(String type, int messageId, boolean byCharon, List<String> request,
        List<String> response) {
    private static final Pattern LINE = Pattern.compile("(generating|parsed) (\\w+) (request|response) (\\d+) \\[ (.*) \\]");

    /** The exchanges in charon's log whose answer it logged too, in the order they ended. */
    public static List<CharonExchange> read(Path log) throws IOException {
        List<CharonExchange> exchanges = new ArrayList<>();
        Map<String, List<String>> pending = new HashMap<>();
        for (String line : Files.readAllLines(log)) {
            Matcher m = LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            boolean generating = m.group(1).equals("generating");
            boolean request = m.group(3).equals("request");
            // Charon sent the request if it generated it or parsed the answer to it.
            boolean byCharon = generating == request;
            String key = byCharon + " " + m.group(2) + " " + m.group(4);
            List<String> payloads = List.of(m.group(5).split(" "));
            if (request) {
                pending.put(key, payloads);
            } else if (pending.containsKey(key)) {
                exchanges.add(new CharonExchange(m.group(2), Integer.parseInt(m.group(4)), byCharon,
                        pending.remove(key), payloads));
            }
        }
        return exchanges;
    }

    /** A CHILD SA rekey (RFC 7296 §1.3.3): CREATE_CHILD_SA with N(REKEY_SA). */
    public boolean childRekey() {
        return type.equals("CREATE_CHILD_SA") && request.contains("N(REKEY_SA)");
    }

    /** The answer made an SA (rather than a notify such as N(NO_PROP) or N(INVAL_KE)). */
    public boolean accepted() {
        return response.contains("SA");
    }

    @Override
    public String toString() {
        return type + " " + messageId + (byCharon ? " by charon " : " by the peer ") + request + " -> " + response;
    }
}
