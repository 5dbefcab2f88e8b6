package org.genovfl.party.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.genovfl.audit.AuditEvent;
import org.genovfl.audit.AuditEventJson;
import org.genovfl.audit.AuditEventType;
import org.genovfl.party.config.PartyProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The transactional outbox of audit events. A step records its event here inside its own
 * database transaction, so the step and its event commit together or not at all; a relay
 * ({@link AuditRelay}) later appends pending events to the {@link org.genovfl.audit.AuditLedger}.
 *
 * <pre>{@code
 * @Transactional
 * void completePsi(...) {
 *     ... store the cohort ...
 *     outbox.record(projectId, AuditEventType.PSI_COMPLETED,
 *             Map.of("cohort", cohortSha256), Map.of("cohortSize", "284"));
 * }
 * }</pre>
 */
@Component
public class AuditOutbox {

    private final JdbcClient jdbc;
    private final String organisation;

    @Autowired
    public AuditOutbox(JdbcClient jdbc, PartyProperties properties) {
        this(jdbc, properties.organisation());
    }

    AuditOutbox(JdbcClient jdbc, String organisation) {
        this.jdbc = jdbc;
        this.organisation = organisation;
    }

    /**
     * Records an event of this party for {@code projectId}, numbered after the previous one.
     * Must run inside the transaction of the step it describes.
     *
     * @throws IllegalArgumentException if a hash or metadata entry has the wrong shape (see {@link AuditEvent})
     * @throws org.springframework.transaction.IllegalTransactionStateException if no transaction is active
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public AuditEvent record(UUID projectId, AuditEventType type, Map<String, String> artifactHashes,
            Map<String, String> metadata) {
        // Numbering must not race with another step of the same project in this party.
        jdbc.sql("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .param("key", "audit-outbox:" + projectId + ":" + organisation)
                .query().singleRow();
        long sequence = jdbc.sql("""
                SELECT coalesce(max(sequence), 0) + 1 FROM audit_outbox
                 WHERE project_id = :project AND acting_organisation = :organisation
                """)
                .param("project", projectId)
                .param("organisation", organisation)
                .query(Long.class).single();
        AuditEvent event = new AuditEvent(UUID.randomUUID(), projectId, sequence, type, organisation,
                Instant.now().truncatedTo(ChronoUnit.MILLIS), new TreeMap<>(artifactHashes), new TreeMap<>(metadata));
        jdbc.sql("""
                INSERT INTO audit_outbox (event_id, project_id, acting_organisation, sequence, event_type, payload)
                VALUES (:id, :project, :organisation, :sequence, :type, CAST(:payload AS jsonb))
                """)
                .param("id", event.eventId())
                .param("project", projectId)
                .param("organisation", organisation)
                .param("sequence", sequence)
                .param("type", type.name())
                .param("payload", AuditEventJson.toJson(event))
                .update();
        return event;
    }
}
