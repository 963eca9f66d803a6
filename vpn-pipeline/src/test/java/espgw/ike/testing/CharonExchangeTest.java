package espgw.ike.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CharonExchangeTest {
    /** Lines as charon 5.9.8 logs them at level 1, both directions interleaved, one request unanswered. */
    private static final String LOG = """
            1795695719 10[ENC] parsed CREATE_CHILD_SA request 2 [ N(REKEY_SA) SA No KE TSi TSr ]
            1795695719 13[ENC] generating CREATE_CHILD_SA request 2 [ N(REKEY_SA) SA No KE TSi TSr ]
            1795695719 10[ENC] generating CREATE_CHILD_SA response 2 [ N(NO_PROP) ]
            1795695719 09[ENC] parsed CREATE_CHILD_SA response 2 [ SA No KE TSi TSr ]
            1795695720 15[ENC] parsed INFORMATIONAL request 3 [ D ]
            1795695720 10[ENC] generating CREATE_CHILD_SA request 4 [ SA No KE ]
            """;

    @TempDir
    Path dir;

    @Test
    void pairsEachRequestWithItsAnswerByDirectionAndMessageId() throws Exception {
        Path log = Files.writeString(dir.resolve("charon.log"), LOG);
        List<CharonExchange> exchanges = CharonExchange.read(log);
        assertEquals(2, exchanges.size(), exchanges.toString());

        CharonExchange peers = exchanges.get(0);
        assertFalse(peers.byCharon());
        assertTrue(peers.childRekey());
        assertEquals(List.of("N(REKEY_SA)", "SA", "No", "KE", "TSi", "TSr"), peers.request());
        assertFalse(peers.accepted(), "answered with a notify only");

        CharonExchange charons = exchanges.get(1);
        assertTrue(charons.byCharon());
        assertEquals(2, charons.messageId());
        assertTrue(charons.accepted());
        assertTrue(charons.response().contains("KE"));
    }
}
