package org.genovfl.audit;

import static org.genovfl.audit.StrictJsonFields.required;
import static org.genovfl.audit.StrictJsonFields.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The one JSON form of an {@link AuditEvent}: keys sorted, no whitespace, the time in ISO-8601
 * UTC. The same event always gives the same bytes, which the hash chain and Fabric's
 * endorsement (every peer must produce identical results) both rely on.
 *
 * <pre>{@code
 * {"actingOrganisation":"Helix Sequencing Lab","artifactHashes":{"cohort":"9f86..."},
 *  "eventId":"...","metadata":{"cohortSize":"284"},"occurredAt":"2026-11-22T21:00:00.123Z",
 *  "projectId":"...","sequence":2,"type":"PSI_COMPLETED"}
 * }</pre>
 */
public final class AuditEventJson {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private static final java.util.Set<String> FIELDS = java.util.Set.of("actingOrganisation", "artifactHashes",
            "eventId", "metadata", "occurredAt", "projectId", "sequence", "type");

    private AuditEventJson() {
    }

    public static String toJson(AuditEvent event) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("actingOrganisation", event.actingOrganisation());
        fields.put("artifactHashes", event.artifactHashes());
        fields.put("eventId", event.eventId().toString());
        fields.put("metadata", event.metadata());
        fields.put("occurredAt", event.occurredAt().toString());
        fields.put("projectId", event.projectId().toString());
        fields.put("sequence", event.sequence());
        fields.put("type", event.type().name());
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("audit event cannot be serialised", e);
        }
    }

    /**
     * Reads an event, checking it as {@link AuditEvent}'s constructor does.
     *
     * @throws AuditRefusedException with {@link AuditRefusal#INVALID_EVENT} if the JSON is
     *     malformed, lacks a field or breaks the schema
     */
    public static AuditEvent fromJson(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("an audit event must be a JSON object");
            }
            StrictJsonFields.only(node, FIELDS);
            return new AuditEvent(
                    UUID.fromString(text(node, "eventId")),
                    UUID.fromString(text(node, "projectId")),
                    required(node, "sequence").asLong(),
                    AuditEventType.valueOf(text(node, "type")),
                    text(node, "actingOrganisation"),
                    Instant.parse(text(node, "occurredAt")),
                    strings(node.get("artifactHashes")),
                    strings(node.get("metadata")));
        } catch (JsonProcessingException | IllegalArgumentException | DateTimeParseException | NullPointerException e) {
            throw new AuditRefusedException(AuditRefusal.INVALID_EVENT, e.getMessage(), null);
        }
    }

    private static TreeMap<String, String> strings(JsonNode node) {
        TreeMap<String, String> map = new TreeMap<>();
        if (node == null || node.isNull()) {
            return map;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("artifactHashes and metadata must be JSON objects");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().isTextual()) {
                throw new IllegalArgumentException("value of " + entry.getKey() + " must be a string");
            }
            map.put(entry.getKey(), entry.getValue().asText());
        }
        return map;
    }
}
