package org.genovfl.party.training;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.party.PartyRegistry;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * This party's training runs as a list (the web pages' run history), and the names of its
 * own model columns, so a data holder reads its released coefficients by feature.
 */
@Component
public class TrainingHistory {

    /** A run as listed: aggregates only. */
    public record RunSummary(UUID runId, UUID projectId, UUID psiRunId, String role, String status,
            Integer bestEpoch, String stopReason, Instant startedAt, Instant finishedAt) {
    }

    private final JdbcClient jdbc;
    private final PartyProperties properties;

    TrainingHistory(JdbcClient jdbc, PartyProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** The latest {@code limit} runs, newest first. */
    public List<RunSummary> latest(int limit) {
        return jdbc.sql("""
                        SELECT id, project_id, psi_run_id, party_role, status, best_epoch, stop_reason, started_at, finished_at
                          FROM training_run WHERE algorithm = ? ORDER BY started_at DESC LIMIT ?
                        """)
                .params(TrainingStore.ALGORITHM, limit)
                .query((rs, row) -> new RunSummary(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), rs.getString(4), rs.getString(5), (Integer) rs.getObject(6),
                        rs.getString(7), rs.getTimestamp(8).toInstant(),
                        rs.getTimestamp(9) == null ? null : rs.getTimestamp(9).toInstant()))
                .list();
    }

    /**
     * The names of this party's model columns for {@code projectId}, in coefficient order:
     * its feature_spec codes (LOINC codes, rsIDs or chrom:pos), then the hospital's intercept.
     */
    public List<String> featureNames(UUID projectId) {
        List<String> names = new ArrayList<>(jdbc.sql("""
                        SELECT CASE WHEN code_system = 'http://loinc.org' THEN 'LOINC ' || code ELSE code END
                          FROM feature_spec WHERE project_id = ? AND party_id = ? ORDER BY ordinal
                        """)
                .params(projectId, PartyRegistry.idOf(properties.organisation()))
                .query(String.class).list());
        if (properties.role() == PartyRole.HOSPITAL) {
            names.add("intercept");
        }
        return names;
    }
}
