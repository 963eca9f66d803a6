package espgw.config;

/**
 * One manual SA as written in the config (like {@code ip xfrm state}: SPI, algorithm, key material
 * in hex including the 4-byte salt). The key text is kept only until the SA is built and is never
 * printed: {@link #toString()} leaves it out.
 */
public record SaConfig(long spi, String algorithm, String keyHex, boolean esn, int replayWindow) {
    public static final int DEFAULT_REPLAY_WINDOW = 4096;

    static SaConfig from(ConfigNode node) throws ConfigException {
        long spi = node.integer("spi", -1, 256, 0xffffffffL);
        if (spi < 0) {
            throw node.error("spi", "is required (e.g. 0x00001001; values below 256 are reserved, RFC 4303 section 2.1)");
        }
        String algorithm = node.string("algorithm", "aes-gcm-128");
        String key = node.string("key");
        boolean esn = node.bool("esn", true);
        int window = (int) node.integer("replay_window", DEFAULT_REPLAY_WINDOW, 0, 1 << 20);
        node.rejectUnknownFields();
        return new SaConfig(spi, algorithm, key, esn, window);
    }

    @Override
    public String toString() {
        return "SaConfig[spi=0x" + Long.toHexString(spi) + ", algorithm=" + algorithm + ", esn=" + esn
                + ", replayWindow=" + replayWindow + "]";
    }
}
