package org.genovfl.party.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.genovfl.audit.AuditEventType;
import org.genovfl.party.audit.AuditOutbox;
import org.genovfl.party.inference.InferenceWire.RunRequest;
import org.genovfl.vfl.inference.InferenceMessages;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * A party's durable record of its inference runs and, at the requester, the scores. Each
 * step the audit trail records (INFERENCE_REQUESTED when a party takes part,
 * INFERENCE_COMPLETED at the coordinator and the requester) commits with its event, which
 * holds hashes and counts only.
 */
@Repository
class InferenceStore {

    /** What this party is in a run. */
    enum Role { COORDINATOR, REQUESTER, CONTRIBUTOR }

    /** A run as this party stored it. */
    record StoredRun(UUID runId, UUID projectId, UUID trainingRunId, UUID psiRunId, Role role, String requester,
            List<String> contributors, String status, String phase, Integer rowCount, String publicKeySha256,
            String resultSha256, String error) {
    }

    /** One scored row at the requester: the row of the aligned cohort, its own patient, the score. */
    record ScoreRow(int rowIndex, String patient, double score) {
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final AuditOutbox audit;
    private final ObjectMapper json = new ObjectMapper();

    InferenceStore(JdbcClient jdbc, JdbcTemplate batch, AuditOutbox audit) {
        this.jdbc = jdbc;
        this.batch = batch;
        this.audit = audit;
    }

    // ---- coordinator -------------------------------------------------------------------------

    @Transactional
    void createCoordinatorRun(RunRequest run) {
        insert(run, Role.COORDINATOR, "RUNNING", null, null, null);
        audit.record(run.projectId(), AuditEventType.INFERENCE_REQUESTED, Map.of(), metadata(run, Map.of(
                "contributors", Integer.toString(run.contributors().size()))));
    }

    void setPhase(UUID runId, String phase) {
        jdbc.sql("UPDATE inference_run SET phase = ? WHERE id = ?").params(phase, runId).update();
    }

    void setKeys(UUID runId, int rowCount, String publicKeySha256) {
        jdbc.sql("UPDATE inference_run SET row_count = ?, public_key_sha256 = ? WHERE id = ?")
                .params(rowCount, publicKeySha256, runId).update();
    }

    /**
     * The coordinator's end of a run: the digests of every partial-score message it added and
     * of the sum it delivered, audited as INFERENCE_COMPLETED.
     *
     * @param partialDigests by contributor, in the run's contributor order
     */
    @Transactional
    void completeCoordinatorRun(RunRequest run, int rowCount, String publicKeySha256,
            List<String> partialDigests, String sumDigest) {
        complete(run.runId(), sumDigest);
        Map<String, String> hashes = new TreeMap<>();
        hashes.put("publicKey", publicKeySha256);
        hashes.put("scoreSum", sumDigest);
        for (int k = 0; k < partialDigests.size(); k++) {
            hashes.put("partialScores." + k, partialDigests.get(k));
        }
        audit.record(run.projectId(), AuditEventType.INFERENCE_COMPLETED, hashes, metadata(run, Map.of(
                "rows", Integer.toString(rowCount), "contributors", Integer.toString(partialDigests.size()))));
    }

    // ---- requester ---------------------------------------------------------------------------

    /** The requester made the run's keys. */
    @Transactional
    void createRequesterRun(RunRequest run, int rowCount, String publicKeySha256) {
        insert(run, Role.REQUESTER, "RUNNING", rowCount, publicKeySha256, null);
        audit.record(run.projectId(), AuditEventType.INFERENCE_REQUESTED,
                withCohort(run, Map.of("publicKey", publicKeySha256)),
                metadata(run, Map.of("rows", Integer.toString(rowCount))));
    }

    /**
     * Stores the requester's scores by aligned row and own patient, audited as
     * INFERENCE_COMPLETED with the SHA-256 of the score file
     * ({@link InferenceMessages#digest(double[])}: row index and score per row, no patient).
     *
     * @return the SHA-256 of the score file
     */
    @Transactional
    String storeScores(StoredRun run, List<Long> patients, double[] scores, String sumDigest) {
        List<Object[]> rows = new java.util.ArrayList<>(scores.length);
        for (int r = 0; r < scores.length; r++) {
            rows.add(new Object[] {run.runId(), r, patients.get(r), scores[r]});
        }
        batch.batchUpdate("INSERT INTO inference_score (run_id, row_index, patient_id, score) VALUES (?, ?, ?, ?)",
                rows);
        String sha = InferenceMessages.digest(scores);
        complete(run.runId(), sha);
        audit.record(run.projectId(), AuditEventType.INFERENCE_COMPLETED, Map.of("scores", sha, "scoreSum", sumDigest),
                Map.of("inferenceRun", run.runId().toString(), "trainingRun", run.trainingRunId().toString(),
                        "psiRun", run.psiRunId().toString(), "rows", Integer.toString(scores.length)));
        return sha;
    }

    /** The requester's scores, in aligned order, with its own patients' local ids. */
    List<ScoreRow> scores(UUID runId) {
        return jdbc.sql("""
                SELECT s.row_index, p.local_id, s.score FROM inference_score s JOIN patient p ON p.id = s.patient_id
                 WHERE s.run_id = ? ORDER BY s.row_index
                """).param(runId)
                .query((rs, n) -> new ScoreRow(rs.getInt(1), rs.getString(2), rs.getDouble(3))).list();
    }

    /** Fails the runs of {@code role} still RUNNING here, which a restart of this party interrupted. */
    int failInterrupted(Role role, String error) {
        return jdbc.sql("UPDATE inference_run SET status = 'FAILED', error = ?, finished_at = now() "
                + "WHERE party_role = ? AND status = 'RUNNING'").params(error, role.name()).update();
    }

    // ---- contributor -------------------------------------------------------------------------

    /** A contributor sent its encrypted partial scores: its whole part of the run. */
    @Transactional
    void recordContribution(RunRequest run, int rowCount, String publicKeySha256, String partialDigest) {
        insert(run, Role.CONTRIBUTOR, "COMPLETED", rowCount, publicKeySha256, partialDigest);
        audit.record(run.projectId(), AuditEventType.INFERENCE_REQUESTED,
                withCohort(run, Map.of("publicKey", publicKeySha256, "partialScores", partialDigest)),
                metadata(run, Map.of("rows", Integer.toString(rowCount))));
    }

    // ---- every role --------------------------------------------------------------------------

    Optional<StoredRun> find(UUID runId) {
        return jdbc.sql("""
                SELECT id, project_id, training_run_id, psi_run_id, party_role, requester,
                       CAST(contributors AS TEXT), status, phase, row_count, public_key_sha256, result_sha256, error
                  FROM inference_run WHERE id = ?
                """).param(runId)
                .query((rs, n) -> new StoredRun(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), rs.getObject(4, UUID.class), Role.valueOf(rs.getString(5)),
                        rs.getString(6), readList(rs.getString(7)), rs.getString(8), rs.getString(9),
                        (Integer) rs.getObject(10), rs.getString(11), rs.getString(12), rs.getString(13)))
                .optional();
    }

    boolean exists(UUID runId) {
        return jdbc.sql("SELECT count(*) FROM inference_run WHERE id = ?").param(runId).query(Long.class).single() > 0;
    }

    /** Marks a run FAILED with a reason fit for the people API (no personal data). */
    void fail(UUID runId, String error) {
        jdbc.sql("UPDATE inference_run SET status = 'FAILED', error = ?, finished_at = now() WHERE id = ?")
                .params(error, runId).update();
    }

    /** The patients of a PSI run's aligned cohort, in row order: row i is scored as score i. */
    List<Long> alignedPatients(UUID psiRunId) {
        return jdbc.sql("SELECT patient_id FROM aligned_cohort WHERE psi_run_id = ? ORDER BY row_index")
                .param(psiRunId).query(Long.class).list();
    }

    /** The joint cohort commitment of a PSI run held here, the same at both of its parties. */
    Optional<String> cohortCommitment(UUID psiRunId) {
        return jdbc.sql("SELECT cohort_commitment FROM psi_run WHERE id = ? AND cohort_commitment IS NOT NULL")
                .param(psiRunId).query(String.class).optional();
    }

    /** The requester the project's specification names, as this party registered it; empty if it names none. */
    Optional<String> projectRequester(UUID projectId) {
        return jdbc.sql("SELECT cohort_spec -> 'spec' ->> 'inferenceRequester' FROM project WHERE id = ? "
                + "AND cohort_spec -> 'spec' ->> 'inferenceRequester' IS NOT NULL")
                .param(projectId).query(String.class).optional();
    }

    // ---- helpers -----------------------------------------------------------------------------

    private void insert(RunRequest run, Role role, String status, Integer rowCount, String publicKeySha256,
            String resultSha256) {
        jdbc.sql("""
                INSERT INTO inference_run (id, project_id, training_run_id, psi_run_id, party_role, requester,
                                           contributors, status, phase, row_count, public_key_sha256, result_sha256,
                                           finished_at)
                VALUES (:id, :project, :training, :psi, :role, :requester, CAST(:contributors AS jsonb), :status,
                        :phase, :rows, :publicKey, :result, CASE WHEN :status = 'COMPLETED' THEN now() END)
                """)
                .param("id", run.runId()).param("project", run.projectId()).param("training", run.trainingRunId())
                .param("psi", run.psiRunId()).param("role", role.name()).param("requester", run.requester())
                .param("contributors", write(run.contributors())).param("status", status)
                .param("phase", role == Role.COORDINATOR ? "keys" : null).param("rows", rowCount)
                .param("publicKey", publicKeySha256).param("result", resultSha256)
                .update();
    }

    private void complete(UUID runId, String resultSha256) {
        jdbc.sql("UPDATE inference_run SET status = 'COMPLETED', phase = NULL, result_sha256 = ?, finished_at = now() "
                + "WHERE id = ?").params(resultSha256, runId).update();
    }

    /** The hashes of a data holder's event, with the scored PSI run's joint commitment when it has one. */
    private Map<String, String> withCohort(RunRequest run, Map<String, String> hashes) {
        Map<String, String> all = new TreeMap<>(hashes);
        cohortCommitment(run.psiRunId()).ifPresent(commitment -> all.put("cohort", commitment));
        return all;
    }

    private static Map<String, String> metadata(RunRequest run, Map<String, String> more) {
        Map<String, String> metadata = new TreeMap<>(more);
        metadata.put("inferenceRun", run.runId().toString());
        metadata.put("trainingRun", run.trainingRunId().toString());
        metadata.put("psiRun", run.psiRunId().toString());
        return metadata;
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> readList(String value) {
        try {
            return json.readValue(value, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored contributors are unreadable", e);
        }
    }
}
