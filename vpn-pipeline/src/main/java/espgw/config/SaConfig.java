package espgw.config;

import espgw.sa.ManualSa;
import espgw.sa.ReplayWindow;

/**
 * Reads one manual SA as written in the config (like {@code ip xfrm state}: SPI, algorithm, key
 * material in hex including the 4-byte salt) into a validated {@link ManualSa}, reporting problems
 * with the exact field path. Messages never repeat the key.
 */
final class SaConfig {
    static final int DEFAULT_REPLAY_WINDOW = 4096;

    private SaConfig() {
    }

    static ManualSa from(ConfigNode node) throws ConfigException {
        String spi = node.string("spi");
        String algorithm = node.string("algorithm", "aes-gcm-128");
        String key = node.string("key");
        boolean esn = node.bool("esn", true);
        int window = (int) node.integer("replay_window", DEFAULT_REPLAY_WINDOW, 0, ReplayWindow.MAX_SIZE);
        node.rejectUnknownFields();
        try {
            return ManualSa.of(spi, algorithm, key, esn, window);
        } catch (IllegalArgumentException e) {
            // ManualSa words its messages as "field: problem"; map its field names to the config's.
            String message = e.getMessage();
            int colon = message.indexOf(": ");
            String field = colon < 0 ? "" : message.substring(0, colon);
            throw switch (field) {
                case "spi", "key" -> node.error(field, message.substring(colon + 2));
                case "replay window" -> node.error("replay_window", message.substring(colon + 2));
                default -> node.error("algorithm", message);
            };
        }
    }
}
