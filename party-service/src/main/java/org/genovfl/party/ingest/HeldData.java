package org.genovfl.party.ingest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** What this party holds, as counts: for {@code GET /api/ingest/summary} and the admin's data page. */
@Component
public class HeldData {

    /** A genotype dataset: its name, status and size; never a sample id. */
    public record Dataset(UUID id, String name, String status, int samples, long variants, Instant importedAt) {
    }

    /** Patients by their current research consent. */
    public record ConsentCounts(long granted, long withdrawn, long unrecorded) {
    }

    private final JdbcClient jdbc;

    HeldData(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Rows per table, and READY genotype datasets. */
    public Map<String, Long> summary() {
        Map<String, Long> counts = new TreeMap<>();
        for (String table : List.of("patient", "linkage_identifier", "consent_event", "clinical_observation",
                "clinical_condition", "genotype_sample", "genotype_variant")) {
            counts.put(table, jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single());
        }
        counts.put("genotype_dataset_ready", jdbc.sql("SELECT count(*) FROM genotype_dataset WHERE status = 'READY'")
                .query(Long.class).single());
        return counts;
    }

    /** Genotype datasets, newest first. */
    public List<Dataset> datasets() {
        return jdbc.sql("SELECT id, name, status, sample_count, variant_count, imported_at FROM genotype_dataset "
                        + "ORDER BY imported_at DESC, name")
                .query((rs, row) -> new Dataset(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getInt(4), rs.getLong(5), rs.getTimestamp(6).toInstant()))
                .list();
    }

    /** Research consent of the patients held, by their latest consent event. */
    public ConsentCounts consent() {
        return jdbc.sql("""
                        SELECT count(*) FILTER (WHERE c.status = 'GRANTED'),
                               count(*) FILTER (WHERE c.status = 'WITHDRAWN'),
                               count(*) FILTER (WHERE c.status IS NULL)
                          FROM patient p
                          LEFT JOIN current_consent c ON c.patient_id = p.id AND c.scope = 'RESEARCH'
                        """)
                .query((rs, row) -> new ConsentCounts(rs.getLong(1), rs.getLong(2), rs.getLong(3)))
                .single();
    }
}
