package espgw.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One mapping of a parsed YAML file, with the path that leads to it, so that every error names
 * the file and the exact field. Reading a field marks it as known; {@link #rejectUnknownFields()}
 * then reports a misspelt field instead of silently ignoring it.
 */
public final class ConfigNode {
    private final String file;
    private final String path;
    private final Map<?, ?> values;
    private final Set<String> read = new LinkedHashSet<>();

    ConfigNode(String file, String path, Map<?, ?> values) {
        this.file = file;
        this.path = path;
        this.values = values;
    }

    public String path(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    public ConfigException error(String field, String problem) {
        return new ConfigException(file, field == null ? path : path(field), problem);
    }

    public boolean has(String field) {
        read.add(field);
        return values.get(field) != null;
    }

    public String string(String field) throws ConfigException {
        Object value = raw(field);
        if (value == null) {
            throw error(field, "is required");
        }
        if (value instanceof Map || value instanceof List) {
            throw error(field, "must be a single value, not a " + (value instanceof Map ? "mapping" : "list"));
        }
        return value.toString().trim();
    }

    public String string(String field, String defaultValue) throws ConfigException {
        return has(field) ? string(field) : defaultValue;
    }

    public long integer(String field, long defaultValue, long min, long max) throws ConfigException {
        if (!has(field)) {
            return defaultValue;
        }
        String text = string(field).replace("_", "");
        long value;
        try {
            value = text.startsWith("0x") || text.startsWith("0X")
                    ? Long.parseUnsignedLong(text.substring(2), 16)
                    : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw error(field, "'" + text + "' is not a whole number");
        }
        if (value < min || value > max) {
            throw error(field, value + " is out of range [" + min + ", " + max + "]");
        }
        return value;
    }

    public boolean bool(String field, boolean defaultValue) throws ConfigException {
        if (!has(field)) {
            return defaultValue;
        }
        Object value = raw(field);
        if (value instanceof Boolean b) {
            return b;
        }
        throw error(field, "must be true or false, not '" + value + "'");
    }

    public ConfigNode child(String field) throws ConfigException {
        Object value = raw(field);
        if (value == null) {
            throw error(field, "is required");
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw error(field, "must be a mapping (field: value lines)");
        }
        return new ConfigNode(file, path(field), map);
    }

    public ConfigNode optionalChild(String field) throws ConfigException {
        return has(field) ? child(field) : new ConfigNode(file, path(field), Map.of());
    }

    public List<ConfigNode> children(String field) throws ConfigException {
        List<ConfigNode> nodes = new ArrayList<>();
        int i = 0;
        for (Object item : list(field)) {
            String itemPath = path(field) + "[" + i++ + "]";
            if (!(item instanceof Map<?, ?> map)) {
                throw new ConfigException(file, itemPath, "must be a mapping (field: value lines)");
            }
            nodes.add(new ConfigNode(file, itemPath, map));
        }
        return nodes;
    }

    public List<String> strings(String field) throws ConfigException {
        List<String> result = new ArrayList<>();
        for (Object item : list(field)) {
            if (item == null || item instanceof Map || item instanceof List) {
                throw error(field, "must be a list of single values");
            }
            result.add(item.toString().trim());
        }
        return result;
    }

    /** Reports the first field of this mapping that no reader asked for: most likely a typo. */
    public void rejectUnknownFields() throws ConfigException {
        for (Object key : values.keySet()) {
            if (!read.contains(String.valueOf(key))) {
                throw error(String.valueOf(key), "unknown field (known here: " + String.join(", ", read) + ")");
            }
        }
    }

    private List<?> list(String field) throws ConfigException {
        Object value = raw(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw error(field, "must be a list");
        }
        return list;
    }

    private Object raw(String field) {
        read.add(field);
        return values.get(field);
    }
}
