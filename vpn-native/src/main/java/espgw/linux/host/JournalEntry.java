package espgw.linux.host;

import java.util.ArrayList;
import java.util.List;

/**
 * One journaled change: what it was, for the operator, and the argv that reverses it.
 *
 * <p>On disk an entry is one line of tab-separated fields, the description first, then the argv.
 * Backslash, tab, newline and carriage return inside a field are escaped ({@code \\ \t \n \r}),
 * so any argument survives and a line break always ends an entry.
 */
public record JournalEntry(String description, List<String> undo) {
    public JournalEntry {
        undo = List.copyOf(undo);
        if (undo.isEmpty()) {
            throw new IllegalArgumentException("a journal entry needs a command that reverses it");
        }
    }

    String toLine() {
        StringBuilder line = new StringBuilder();
        escape(description, line);
        for (String arg : undo) {
            line.append('\t');
            escape(arg, line);
        }
        return line.append('\n').toString();
    }

    /** Parses a line without its terminating newline; null when it is not a well-formed entry. */
    static JournalEntry parse(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\t') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c != '\\') {
                field.append(c);
            } else if (++i < line.length()) {
                switch (line.charAt(i)) {
                    case '\\' -> field.append('\\');
                    case 't' -> field.append('\t');
                    case 'n' -> field.append('\n');
                    case 'r' -> field.append('\r');
                    default -> {
                        return null;
                    }
                }
            } else {
                return null;
            }
        }
        fields.add(field.toString());
        return fields.size() < 2 ? null : new JournalEntry(fields.get(0), fields.subList(1, fields.size()));
    }

    private static void escape(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }
}
