package org.genovfl.party.ingest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    /**
     * {@link #findOrCreateByLinkage} for many identifiers in a few statements, whatever their
     * number (a cohort VCF may name 100k samples). Equal identifiers map to one patient.
     *
     * @return the patient id of each identifier, in order
     */
    public List<Long> findOrCreateAllByLinkage(List<String> types, List<String> values, String source) {
        if (types.size() != values.size()) {
            throw new IllegalArgumentException("types and values differ in length");
        }
        List<String> keys = new ArrayList<>(values.size());
        String[] normalTypes = new String[values.size()];
        String[] normalValues = new String[values.size()];
        for (int i = 0; i < values.size(); i++) {
            normalTypes[i] = types.get(i);
            normalValues[i] = LinkageIdentifiers.normalise(types.get(i), values.get(i));
            keys.add(normalTypes[i] + "\u0000" + normalValues[i]);
        }
        Map<String, Long> found = new HashMap<>();
        jdbc.sql("""
                SELECT DISTINCT ON (l.id_type, l.normalised_value) l.id_type, l.normalised_value, l.patient_id
                  FROM linkage_identifier l
                  JOIN unnest(CAST(? AS text[]), CAST(? AS text[])) AS wanted(id_type, normalised_value)
                    ON wanted.id_type = l.id_type AND wanted.normalised_value = l.normalised_value
                 ORDER BY l.id_type, l.normalised_value, l.patient_id
                """).param(normalTypes).param(normalValues)
                .query(rs -> {
                    found.put(rs.getString(1) + "\u0000" + rs.getString(2), rs.getLong(3));
                });
        Map<String, String> newLocalIds = new LinkedHashMap<>();
        for (String key : keys) {
            if (!found.containsKey(key)) {
                newLocalIds.putIfAbsent(key, source.toLowerCase(Locale.ROOT) + ":" + UUID.randomUUID());
            }
        }
        if (!newLocalIds.isEmpty()) {
            String[] localIds = newLocalIds.values().toArray(String[]::new);
            Map<String, Long> created = new HashMap<>();
            jdbc.sql("INSERT INTO patient (local_id, source) SELECT unnest(CAST(? AS text[])), ? RETURNING local_id, id")
                    .param(localIds).param(source)
                    .query(rs -> {
                        created.put(rs.getString(1), rs.getLong(2));
                    });
            List<String> linkTypes = new ArrayList<>();
            List<String> linkValues = new ArrayList<>();
            List<Long> linkPatients = new ArrayList<>();
            newLocalIds.forEach((key, localId) -> {
                long id = created.get(localId);
                found.put(key, id);
                int zero = key.indexOf('\u0000');
                linkTypes.add(key.substring(0, zero));
                linkValues.add(key.substring(zero + 1));
                linkPatients.add(id);
            });
            jdbc.sql("""
                    INSERT INTO linkage_identifier (patient_id, id_type, normalised_value)
                    SELECT * FROM unnest(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]))
                    """).param(linkPatients.toArray(Long[]::new)).param(linkTypes.toArray(String[]::new))
                    .param(linkValues.toArray(String[]::new)).update();
        }
        return keys.stream().map(found::get).toList();
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
