package org.genovfl.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/**
 * How the ledgers read JSON they are handed: only known fields, required ones present,
 * strings where strings belong. Problems are {@link IllegalArgumentException}s naming the
 * field, never its value, which callers turn into their refusal code.
 */
public final class StrictJsonFields {

    private StrictJsonFields() {
    }

    /** Refuses a node that is not an object or has a field outside {@code known}. */
    public static void only(JsonNode node, Set<String> known) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                // Refused rather than dropped: an extra field is a client bug or a leak.
                throw new IllegalArgumentException("unknown field " + name);
            }
        }
    }

    public static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("field " + field + " is missing");
        }
        return value;
    }

    public static String text(JsonNode node, String field) {
        return textValue(required(node, field), field);
    }

    public static String textValue(JsonNode value, String field) {
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field " + field + " must be a string");
        }
        return value.asText();
    }
}
