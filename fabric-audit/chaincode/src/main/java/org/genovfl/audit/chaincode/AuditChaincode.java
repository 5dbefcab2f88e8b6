package org.genovfl.audit.chaincode;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.genovfl.audit.AppendRules;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventJson;
import org.genovfl.audit.AuditEventType;
import org.genovfl.audit.AuditRefusal;
import org.genovfl.audit.AuditRefusedException;

/**
 * The rules and queries of the audit chaincode, apart from the shim so they read (and are
 * tested) as plain Java. {@link AuditContract} wires them to Fabric.
 *
 * <p>World state layout (all simple keys; values are canonical JSON or a one-byte marker):
 * <pre>
 * event/&lt;eventId&gt;                              the event (AuditEventJson)
 * seq/&lt;projectId&gt;/&lt;organisation&gt;              last sequence of that stream
 * project/&lt;projectId&gt;/&lt;millis&gt;/&lt;seq&gt;/&lt;eventId&gt;  index by project, in time then stream order
 * type/&lt;TYPE&gt;/&lt;millis&gt;/&lt;eventId&gt;             index by type
 * time/&lt;millis&gt;/&lt;eventId&gt;                     index by time
 * artifact/&lt;sha256&gt;/&lt;eventId&gt;                 index by artifact hash
 * </pre>
 * {@code millis} is the event time in epoch milliseconds, zero-padded to 15 digits so that
 * key order is time order; {@code seq} is the event's sequence zero-padded to 19 digits, so
 * a party's events of one millisecond (a relay batch) keep their order.
 */
final class AuditChaincode {

    /** Most events one transaction may append: keeps a transaction well under Fabric's size limits. */
    static final int MAX_BATCH = 500;
    private static final String MARKER = "\u0001";
    private static final String AFTER = "~";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The outcome of {@link #appendEvents}, returned to the client as JSON. */
    record AppendResult(int recorded, int alreadyRecorded) {
        String toJson() {
            return "{\"alreadyRecorded\":" + alreadyRecorded + ",\"recorded\":" + recorded + "}";
        }
    }

    private final OrganisationDirectory organisations;

    AuditChaincode(OrganisationDirectory organisations) {
        this.organisations = organisations;
    }

    /**
     * Appends a JSON array of events submitted by {@code submitterMsp}, all or nothing.
     *
     * @throws AuditRefusedException naming the first refused event and why
     */
    AppendResult appendEvents(WorldState state, String submitterMsp, String eventsJson) {
        List<AuditEvent> events = parseBatch(eventsJson);
        // Fabric does not show a transaction its own writes: track them here, so a batch
        // with several events of one stream (or one event twice) follows the same rules.
        Map<String, String> written = new HashMap<>();
        int recorded = 0;
        int already = 0;
        for (AuditEvent event : events) {
            if (!organisations.speaksFor(submitterMsp, event.actingOrganisation())) {
                throw new AuditRefusedException(AuditRefusal.WRONG_ORGANISATION, "submitter of MSP " + submitterMsp
                        + " may not record events of " + event.actingOrganisation(), event.eventId());
            }
            String eventKey = "event/" + event.eventId();
            String existing = read(state, written, eventKey);
            String sequenceKey = "seq/" + event.projectId() + "/" + event.actingOrganisation();
            String last = read(state, written, sequenceKey);
            AppendRules.Decision decision = AppendRules.decide(event,
                    existing == null ? null : AuditEventJson.fromJson(existing), last == null ? 0 : Long.parseLong(last));
            if (decision == AppendRules.Decision.ALREADY_RECORDED) {
                already++;
                continue;
            }
            String millis = String.format(Locale.ROOT, "%015d", event.occurredAt().toEpochMilli());
            write(state, written, eventKey, AuditEventJson.toJson(event));
            write(state, written, sequenceKey, Long.toString(event.sequence()));
            String sequence = String.format(Locale.ROOT, "%019d", event.sequence());
            write(state, written, "project/" + event.projectId() + "/" + millis + "/" + sequence + "/" + event.eventId(), MARKER);
            write(state, written, "type/" + event.type() + "/" + millis + "/" + event.eventId(), MARKER);
            write(state, written, "time/" + millis + "/" + event.eventId(), MARKER);
            for (String hash : event.artifactHashes().values()) {
                write(state, written, "artifact/" + hash + "/" + event.eventId(), MARKER);
            }
            recorded++;
        }
        return new AppendResult(recorded, already);
    }

    String event(WorldState state, String eventId) {
        String json = state.get("event/" + UUID.fromString(eventId));
        if (json == null) {
            throw new IllegalArgumentException("no event " + eventId);
        }
        return json;
    }

    String byProject(WorldState state, String projectId) {
        return indexed(state, "project/" + UUID.fromString(projectId) + "/");
    }

    String byType(WorldState state, String type) {
        return indexed(state, "type/" + AuditEventType.valueOf(type) + "/");
    }

    String byArtifactHash(WorldState state, String sha256) {
        String hash = sha256.toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(hash).matches()) {
            throw new IllegalArgumentException("not a hex SHA-256: " + sha256);
        }
        return indexed(state, "artifact/" + hash + "/");
    }

    /** Events with {@code from <= occurredAt < to} (ISO-8601 instants), in time order. */
    String byTimeRange(WorldState state, String from, String to) {
        try {
            long start = Instant.parse(from).toEpochMilli();
            long end = Instant.parse(to).toEpochMilli();
            return events(state, state.range(String.format(Locale.ROOT, "time/%015d/", start),
                    String.format(Locale.ROOT, "time/%015d/", end)));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time range bounds must be ISO-8601 instants: " + e.getMessage());
        }
    }

    private String indexed(WorldState state, String prefix) {
        return events(state, state.range(prefix, prefix + AFTER));
    }

    private static String events(WorldState state, List<Map.Entry<String, String>> index) {
        List<String> events = new ArrayList<>();
        for (Map.Entry<String, String> entry : index) {
            String key = entry.getKey();
            events.add(state.get("event/" + key.substring(key.lastIndexOf('/') + 1)));
        }
        return "[" + String.join(",", events) + "]";
    }

    private static List<AuditEvent> parseBatch(String eventsJson) {
        JsonNode array;
        try {
            array = JSON.readTree(eventsJson);
        } catch (JsonProcessingException e) {
            throw new AuditRefusedException(AuditRefusal.INVALID_EVENT, "events are not JSON", null);
        }
        if (array == null || !array.isArray() || array.isEmpty() || array.size() > MAX_BATCH) {
            throw new AuditRefusedException(AuditRefusal.INVALID_EVENT,
                    "expected a JSON array of 1.." + MAX_BATCH + " events", null);
        }
        List<AuditEvent> events = new ArrayList<>();
        for (JsonNode node : array) {
            events.add(AuditEventJson.fromJson(node.toString()));
        }
        return events;
    }

    private static String read(WorldState state, Map<String, String> written, String key) {
        return written.containsKey(key) ? written.get(key) : state.get(key);
    }

    private static void write(WorldState state, Map<String, String> written, String key, String value) {
        written.put(key, value);
        state.put(key, value);
    }
}
