package org.genovfl.audit;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One study step as the ledger records it: identifiers of the project and event, who acted,
 * SHA-256 hashes of the artifacts involved and a little metadata (counts, round numbers).
 *
 * <p>The schema is deliberately narrow so that personal data cannot slip in: artifact
 * values must be hex SHA-256 digests, metadata keys are short identifiers and metadata
 * values short tokens (numbers, enum names, ids), at most {@value #MAX_METADATA_VALUE}
 * characters with no spaces. The constructor checks all of it; the chaincode checks it
 * again.
 *
 * @param eventId unique; appending the same event twice records it once
 * @param sequence 1, 2, 3... per (project, acting organisation), without gaps
 */
public record AuditEvent(UUID eventId, UUID projectId, long sequence, AuditEventType type,
        String actingOrganisation, Instant occurredAt, SortedMap<String, String> artifactHashes,
        SortedMap<String, String> metadata) {

    public static final int MAX_METADATA_VALUE = 64;
    public static final int MAX_ENTRIES = 32;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern KEY = Pattern.compile("[a-z][a-zA-Z0-9_.-]{0,39}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.:+-]{1," + MAX_METADATA_VALUE + "}");

    /**
     * @throws NullPointerException if an identifier, the type, the organisation or the time is null
     * @throws IllegalArgumentException if the sequence is not positive, a hash is not hex
     *     SHA-256, or a metadata entry is not a short token
     */
    public AuditEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(actingOrganisation, "actingOrganisation");
        Objects.requireNonNull(occurredAt, "occurredAt");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be 1 or more, was " + sequence);
        }
        if (actingOrganisation.isBlank() || actingOrganisation.length() > 128) {
            throw new IllegalArgumentException("actingOrganisation must be 1..128 characters");
        }
        artifactHashes = checked(artifactHashes, "artifact hash", SHA256);
        metadata = checked(metadata, "metadata value", TOKEN);
    }

    private static SortedMap<String, String> checked(Map<String, String> entries, String what, Pattern valueShape) {
        if (entries == null) {
            return Collections.emptySortedMap();
        }
        if (entries.size() > MAX_ENTRIES) {
            throw new IllegalArgumentException("at most " + MAX_ENTRIES + " entries of " + what + " allowed");
        }
        TreeMap<String, String> copy = new TreeMap<>();
        entries.forEach((key, value) -> {
            if (key == null || !KEY.matcher(key).matches()) {
                throw new IllegalArgumentException(what + " key '" + key + "' is not a short identifier");
            }
            if (value == null || !valueShape.matcher(value).matches()) {
                throw new IllegalArgumentException(what + " for '" + key + "' has the wrong shape");
            }
            copy.put(key, value);
        });
        return Collections.unmodifiableSortedMap(copy);
    }
}
