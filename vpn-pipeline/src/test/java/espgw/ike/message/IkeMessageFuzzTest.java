package espgw.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import espgw.ike.testing.IkeMutations;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of every IKE message recorded from strongSwan: the decoder either
 * accepts a message (whose re-encoding, RESERVED fields cleared, decodes to itself) or throws its declared
 * {@link IkeProtocolException} naming the notify RFC 7296 §2.5 / §3 asks for, never anything else.
 */
class IkeMessageFuzzTest {
    private static final int MUTATIONS_PER_MESSAGE = 3_000;

    static List<byte[]> recordedMessages() throws IOException, URISyntaxException {
        Path root = Path.of(IkeMessageFuzzTest.class.getResource("/ike/strongswan").toURI());
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> messages = files.filter(f -> f.getFileName().toString().matches("\\d-.*\\.bin"))
                    .sorted().toList();
            List<byte[]> bytes = new java.util.ArrayList<>();
            for (Path message : messages) {
                bytes.add(Files.readAllBytes(message));
            }
            return bytes;
        }
    }

    @Test
    void mutatedRecordedMessagesAreDecodedOrRejectedWithAProtocolErrorOnly() throws Exception {
        List<byte[]> recorded = recordedMessages();
        assertTrue(recorded.size() >= 30, "recorded messages: " + recorded.size());
        IkeMutations mutations = new IkeMutations(7296);
        int rejected = 0;
        for (byte[] original : recorded) {
            assertArrayEquals(original, IkeMessage.decode(original).encode(), "the unmutated message round-trips");
            for (int i = 0; i < MUTATIONS_PER_MESSAGE; i++) {
                byte[] mutated = mutations.mutate(original);
                try {
                    IkeMessage decoded = IkeMessage.decode(mutated);
                    byte[] reencoded = decoded.encode();
                    assertArrayEquals(reencoded, IkeMessage.decode(reencoded).encode(), "a stable re-encoding");
                } catch (IkeProtocolException expected) {
                    rejected++;
                } catch (RuntimeException e) {
                    fail("decoding " + java.util.HexFormat.of().formatHex(mutated) + " threw " + e, e);
                }
            }
        }
        assertTrue(rejected > recorded.size() * MUTATIONS_PER_MESSAGE / 2, "rejected: " + rejected);
    }

    @Test
    void eachKindOfHostileMessageGetsTheNotifyTheRfcNames() throws Exception {
        byte[] initRequest = recordedMessages().get(0);
        IkeMutations mutations = new IkeMutations(1);
        assertEquals(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD,
                rejection(mutations.withUnknownCriticalPayload(initRequest)).notifyType(), "§2.5");
        assertArrayEquals(new byte[] {(byte) IkeMutations.UNKNOWN_PAYLOAD_TYPE},
                rejection(mutations.withUnknownCriticalPayload(initRequest)).notifyData(), "§3.10.1: the type");
        IkeProtocolException version = rejection(IkeMutations.withMajorVersion(initRequest, 3));
        assertEquals(NotifyType.INVALID_MAJOR_VERSION, version.notifyType(), "§2.5");
        assertArrayEquals(new byte[] {IkeHeader.VERSION_2_0}, version.notifyData(), "§1.5: the version we speak");
        assertEquals(NotifyType.INVALID_SYNTAX, rejection(java.util.Arrays.copyOf(initRequest, 27)).notifyType());
        assertEquals(NotifyType.INVALID_SYNTAX, rejection(java.util.Arrays.copyOf(initRequest, 65_535)).notifyType());
    }

    private static IkeProtocolException rejection(byte[] message) {
        try {
            IkeMessage.decode(message);
        } catch (IkeProtocolException e) {
            return e;
        }
        throw new AssertionError("accepted");
    }
}
