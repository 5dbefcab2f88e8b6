package org.genovfl.audit.governance;

import static org.genovfl.audit.StrictJsonFields.required;
import static org.genovfl.audit.StrictJsonFields.text;
import static org.genovfl.audit.StrictJsonFields.textValue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.genovfl.audit.StrictJsonFields;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The one JSON form of the governance types: keys sorted, no whitespace, times in ISO-8601
 * UTC. Every endorsing peer must write identical bytes, and the embedded ledger signs these
 * bytes. Reading refuses unknown fields and anything the types' own rules refuse, as
 * {@link GovernanceRefusal#INVALID_REQUEST}.
 *
 * <pre>{@code
 * {"allowedProtocols":["GWAS","PSI","TRAINING"],"coordinator":"GenoVFL Study Coordination",
 *  "featureCounts":{"Helix Sequencing Lab":3,"St Ada University Hospital":2},
 *  "label":{"code":"254837009","system":"http://snomed.info/sct"},"minimumCohortSize":50,
 *  "parties":["St Ada University Hospital","Helix Sequencing Lab"],"projectId":"...",
 *  "releaseRules":{"inferenceRequester":"St Ada University Hospital","minMinorAlleleCount":5,
 *                  "modelReleasePolicy":"BEST_VALIDATION"},"specificationHash":"9f86..."}
 * }</pre>
 */
public final class GovernanceJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private GovernanceJson() {
    }

    public static String toJson(StudyTerms terms) {
        return write(terms(terms));
    }

    public static String toJson(GovernanceRequest request) {
        return write(request(request));
    }

    public static String toJson(GovernanceRecord record) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("number", record.number());
        fields.put("request", request(record.request()));
        fields.put("stateAfter", record.stateAfter().name());
        return write(fields);
    }

    public static String toJson(StudyStatus status) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("approvals", List.copyOf(status.approvals()));
        fields.put("projectId", status.projectId().toString());
        fields.put("state", status.state().name());
        fields.put("suspendedBy", List.copyOf(status.suspendedBy()));
        fields.put("terms", terms(status.terms()));
        fields.put("version", status.version());
        return write(fields);
    }

    /** A JSON array of records, as the history query returns it. */
    public static String historyToJson(List<GovernanceRecord> records) {
        return records.stream().map(GovernanceJson::toJson).collect(java.util.stream.Collectors.joining(",", "[", "]"));
    }

    public static StudyTerms termsFromJson(String json) {
        return read(json, GovernanceJson::terms);
    }

    public static GovernanceRequest requestFromJson(String json) {
        return read(json, GovernanceJson::request);
    }

    public static GovernanceRecord recordFromJson(String json) {
        return read(json, GovernanceJson::record);
    }

    public static StudyStatus statusFromJson(String json) {
        return read(json, node -> {
            fields(node, "approvals", "projectId", "state", "suspendedBy", "terms", "version");
            return new StudyStatus(uuid(node, "projectId"), constant(StudyState.class, text(node, "state"), "state"),
                    terms(required(node, "terms")), strings(node, "approvals"), strings(node, "suspendedBy"),
                    required(node, "version").asLong());
        });
    }

    public static List<GovernanceRecord> historyFromJson(String json) {
        return read(json, node -> {
            if (!node.isArray()) {
                throw new IllegalArgumentException("a history must be a JSON array");
            }
            List<GovernanceRecord> records = new ArrayList<>();
            node.forEach(element -> records.add(record(element)));
            return records;
        });
    }

    // ---- writing ----------------------------------------------------------------------------

    private static Map<String, Object> terms(StudyTerms terms) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("allowedProtocols", terms.allowedProtocols().stream().map(Enum::name).sorted().toList());
        fields.put("coordinator", terms.coordinator());
        fields.put("featureCounts", terms.featureCounts());
        fields.put("label", new TreeMap<>(Map.of("code", terms.label().code(), "system", terms.label().system())));
        fields.put("minimumCohortSize", terms.minimumCohortSize());
        fields.put("parties", terms.parties());
        fields.put("projectId", terms.projectId().toString());
        fields.put("releaseRules", new TreeMap<>(Map.of(
                "inferenceRequester", terms.releaseRules().inferenceRequester(),
                "minMinorAlleleCount", terms.releaseRules().minMinorAlleleCount(),
                "modelReleasePolicy", terms.releaseRules().modelReleasePolicy())));
        fields.put("specificationHash", terms.specificationHash());
        return fields;
    }

    private static Map<String, Object> request(GovernanceRequest request) {
        Map<String, Object> fields = new TreeMap<>();
        fields.put("action", request.action().name());
        fields.put("actor", new TreeMap<>(Map.of("organisation", request.actor().organisation(),
                "regulator", request.actor().regulator())));
        fields.put("at", request.at().toString());
        fields.put("projectId", request.projectId().toString());
        fields.put("reason", request.reason());
        if (request.action() == GovernanceAction.APPROVE) {
            fields.put("specificationHash", request.specificationHash());
        }
        if (request.terms() != null) {
            fields.put("terms", terms(request.terms()));
        }
        return fields;
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("governance data cannot be serialised", e);
        }
    }

    // ---- reading ----------------------------------------------------------------------------

    private interface Reader<T> {
        T read(JsonNode node);
    }

    private static <T> T read(String json, Reader<T> reader) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null) {
                throw new IllegalArgumentException("empty JSON");
            }
            return reader.read(node);
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the offending input: name only where it is.
            throw new GovernanceRefusedException(GovernanceRefusal.INVALID_REQUEST, null, "malformed JSON at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (IllegalArgumentException | NullPointerException e) {
            // Our own messages name the field and its rule, never the value.
            throw new GovernanceRefusedException(GovernanceRefusal.INVALID_REQUEST, null, e.getMessage());
        }
    }

    private static StudyTerms terms(JsonNode node) {
        fields(node, "allowedProtocols", "coordinator", "featureCounts", "label", "minimumCohortSize", "parties",
                "projectId", "releaseRules", "specificationHash");
        JsonNode label = required(node, "label");
        fields(label, "code", "system");
        JsonNode release = required(node, "releaseRules");
        fields(release, "inferenceRequester", "minMinorAlleleCount", "modelReleasePolicy");
        TreeMap<String, Integer> featureCounts = new TreeMap<>();
        JsonNode counts = required(node, "featureCounts");
        if (!counts.isObject()) {
            throw new IllegalArgumentException("featureCounts must be an object");
        }
        counts.fields().forEachRemaining(entry -> featureCounts.put(entry.getKey(), integer(entry.getValue(),
                "featureCounts")));
        TreeSet<StudyProtocol> protocols = new TreeSet<>();
        array(node, "allowedProtocols").forEach(p -> protocols.add(
                constant(StudyProtocol.class, textValue(p, "allowedProtocols"), "allowedProtocols")));
        List<String> parties = new ArrayList<>();
        array(node, "parties").forEach(p -> parties.add(textValue(p, "parties")));
        return new StudyTerms(uuid(node, "projectId"), text(node, "specificationHash"),
                text(node, "coordinator"), parties, new StudyTerms.Label(text(label, "system"), text(label, "code")),
                featureCounts, protocols, integer(required(node, "minimumCohortSize"), "minimumCohortSize"),
                new StudyTerms.ReleaseRules(integer(required(release, "minMinorAlleleCount"), "minMinorAlleleCount"),
                        text(release, "modelReleasePolicy"), text(release, "inferenceRequester")));
    }

    private static GovernanceRequest request(JsonNode node) {
        fields(node, "action", "actor", "at", "projectId", "reason", "specificationHash", "terms");
        JsonNode actor = required(node, "actor");
        fields(actor, "organisation", "regulator");
        JsonNode regulator = required(actor, "regulator");
        if (!regulator.isBoolean()) {
            throw new IllegalArgumentException("actor.regulator must be true or false");
        }
        JsonNode terms = node.get("terms");
        JsonNode hash = node.get("specificationHash");
        return new GovernanceRequest(constant(GovernanceAction.class, text(node, "action"), "action"),
                uuid(node, "projectId"),
                new GovernanceActor(text(actor, "organisation"), regulator.asBoolean()),
                terms == null || terms.isNull() ? null : terms(terms),
                hash == null || hash.isNull() ? null : textValue(hash, "specificationHash"),
                text(node, "reason"), instant(node, "at"));
    }

    private static GovernanceRecord record(JsonNode node) {
        fields(node, "number", "request", "stateAfter");
        return new GovernanceRecord(required(node, "number").asLong(), request(required(node, "request")),
                constant(StudyState.class, text(node, "stateAfter"), "stateAfter"));
    }

    private static void fields(JsonNode node, String... allowed) {
        StrictJsonFields.only(node, Set.of(allowed));
    }

    private static UUID uuid(JsonNode node, String field) {
        try {
            return UUID.fromString(text(node, field));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field " + field + " must be a UUID");
        }
    }

    private static Instant instant(JsonNode node, String field) {
        try {
            return Instant.parse(text(node, field));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("field " + field + " must be an ISO-8601 instant");
        }
    }

    private static <E extends Enum<E>> E constant(Class<E> type, String name, String field) {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("field " + field + " must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    private static int integer(JsonNode value, String field) {
        if (!value.isInt()) {
            throw new IllegalArgumentException("field " + field + " must be an integer");
        }
        return value.asInt();
    }

    private static ArrayNode array(JsonNode node, String field) {
        JsonNode value = required(node, field);
        if (!value.isArray()) {
            throw new IllegalArgumentException("field " + field + " must be an array");
        }
        return (ArrayNode) value;
    }

    private static SortedSet<String> strings(JsonNode node, String field) {
        SortedSet<String> values = new TreeSet<>();
        array(node, field).forEach(value -> values.add(textValue(value, field)));
        return values;
    }
}
