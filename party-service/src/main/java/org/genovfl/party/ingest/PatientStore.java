package org.genovfl.party.ingest;

import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Patients, their linkage identifiers and consent events, as every importer writes them.
 * Callers run these inside their import transaction.
 */
@Component
public class PatientStore {

    private final JdbcClient jdbc;

    public PatientStore(DataSource dataSource) {
        this.jdbc = JdbcClient.create(dataSource);
    }

    /** The patient with this local id, created (with {@code source}) if absent. */
    public long findOrCreateByLocalId(String localId, String source) {
        Optional<Long> existing = jdbc.sql("SELECT id FROM patient WHERE local_id = ?").param(localId)
                .query(Long.class).optional();
        return existing.orElseGet(() -> jdbc.sql("INSERT INTO patient (local_id, source) VALUES (?, ?) RETURNING id")
                .param(localId).param(source).query(Long.class).single());
    }

    /**
     * The patient holding this linkage identifier, or a new one (with a random local id)
     * holding it. If several hold it, the oldest is used; PSI reports such duplicates.
     */
    public long findOrCreateByLinkage(String type, String value, String source) {
        String normalised = LinkageIdentifiers.normalise(type, value);
        Optional<Long> existing = jdbc.sql("""
                SELECT patient_id FROM linkage_identifier WHERE id_type = ? AND normalised_value = ?
                 ORDER BY patient_id LIMIT 1
                """).param(type).param(normalised).query(Long.class).optional();
        if (existing.isPresent()) {
            return existing.get();
        }
        long patient = findOrCreateByLocalId(source.toLowerCase(java.util.Locale.ROOT) + ":" + UUID.randomUUID(), source);
        setLinkage(patient, type, value);
        return patient;
    }

    /** Sets (or replaces) the patient's identifier of this type. */
    public void setLinkage(long patient, String type, String value) {
        jdbc.sql("""
                INSERT INTO linkage_identifier (patient_id, id_type, normalised_value) VALUES (?, ?, ?)
                ON CONFLICT (patient_id, id_type) DO UPDATE SET normalised_value = EXCLUDED.normalised_value
                """).param(patient).param(type).param(LinkageIdentifiers.normalise(type, value)).update();
    }

    /** Appends a consent event (GRANTED or WITHDRAWN) unless it is already the current state. */
    public void recordConsent(long patient, String scope, String status, java.time.OffsetDateTime recordedAt) {
        Optional<String> current = jdbc.sql("SELECT status FROM current_consent WHERE patient_id = ? AND scope = ?")
                .param(patient).param(scope).query(String.class).optional();
        if (current.isPresent() && current.get().equals(status)) {
            return;
        }
        jdbc.sql("INSERT INTO consent_event (patient_id, scope, status, recorded_at) VALUES (?, ?, ?, coalesce(?, now()))")
                .param(patient).param(scope).param(status).param(recordedAt).update();
    }
}
