package espgw.config;

/**
 * A configuration error, worded for the operator as one line: the file, the field (as a path such
 * as {@code peers[1].sa.inbound.key}) and what is wrong with it. Never contains a key's value.
 */
public final class ConfigException extends Exception {
    public ConfigException(String file, String field, String problem) {
        super(file + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
    }
}
