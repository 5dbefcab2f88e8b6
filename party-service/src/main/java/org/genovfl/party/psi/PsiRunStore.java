package org.genovfl.party.psi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.genovfl.audit.AuditEventType;
import org.genovfl.party.audit.AuditOutbox;
import org.genovfl.psi.IdentifierType;
import org.genovfl.psi.LinkageRecord;
import org.genovfl.psi.PsiMode;
import org.genovfl.psi.PsiResult;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * PSI runs in this party's database: the eligible linkage identifiers going in, the run's
 * status, and the aligned cohort, which is written only by {@link #complete} in the same
 * transaction that marks the run COMPLETED and records its audit event.
 */
@Repository
class PsiRunStore {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final AuditOutbox audit;

    PsiRunStore(JdbcClient jdbc, JdbcTemplate template, AuditOutbox audit) {
        this.jdbc = jdbc;
        this.template = template;
        this.audit = audit;
    }

    /** The linkage identifier type a project matches on, if this party knows the project. */
    Optional<IdentifierType> linkageType(UUID projectId) {
        return jdbc.sql("SELECT linkage_id_type FROM project WHERE id = ?")
                .param(projectId)
                .query(String.class)
                .optional()
                .map(IdentifierType::valueOf);
    }

    /**
     * The identifiers of {@code type} of every patient who has not withdrawn research
     * consent: withdrawn patients never enter the protocol.
     */
    List<LinkageRecord> eligibleRecords(IdentifierType type) {
        return jdbc.sql("""
                SELECT li.patient_id, li.normalised_value
                  FROM linkage_identifier li
                 WHERE li.id_type = :type
                   AND NOT EXISTS (SELECT 1 FROM current_consent c
                                    WHERE c.patient_id = li.patient_id
                                      AND c.scope = 'RESEARCH' AND c.status = 'WITHDRAWN')
                """)
                .param("type", type.name())
                .query((rs, row) -> new LinkageRecord(rs.getLong(1), rs.getString(2)))
                .list();
    }

    @Transactional
    void create(UUID runId, UUID projectId, UUID peerPartyId, PsiMode mode) {
        jdbc.sql("""
                INSERT INTO psi_run (id, project_id, peer_party_id, mode, status)
                VALUES (:id, :project, :peer, :mode, 'RUNNING')
                """)
                .param("id", runId)
                .param("project", projectId)
                .param("peer", peerPartyId)
                .param("mode", mode.name())
                .update();
    }

    @Transactional
    void recordSetSize(UUID runId, int localSetSize, int duplicatesReported) {
        jdbc.sql("UPDATE psi_run SET local_set_size = :size, duplicates_reported = :dups WHERE id = :id")
                .param("size", localSetSize)
                .param("dups", duplicatesReported)
                .param("id", runId)
                .update();
    }

    /** Marks a run FAILED in a transaction of its own, whatever the caller's transaction does. */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    void fail(UUID runId, String reason) {
        jdbc.sql("""
                UPDATE psi_run SET status = 'FAILED', error = :error, finished_at = now()
                 WHERE id = :id AND status = 'RUNNING'
                """)
                .param("error", reason.length() > 2000 ? reason.substring(0, 2000) : reason)
                .param("id", runId)
                .update();
    }

    /**
     * Stores the aligned cohort (intersection mode), marks the run COMPLETED and records
     * PSI_COMPLETED with the SHA-256 of the aligned list, all in one transaction.
     *
     * @return the cohort's SHA-256 (null in cardinality mode)
     */
    @Transactional
    String complete(UUID projectId, PsiResult result) {
        String cohortSha256 = null;
        if (result.mode() == PsiMode.INTERSECTION) {
            Long[] patientIds = result.alignedPatientIds().toArray(Long[]::new);
            cohortSha256 = template.execute((ConnectionCallback<String>) connection -> {
                Array ids = connection.createArrayOf("bigint", patientIds);
                try (PreparedStatement insert = connection.prepareStatement("""
                        INSERT INTO aligned_cohort (psi_run_id, row_index, patient_id)
                        SELECT ?, (t.ord - 1)::int, t.pid FROM unnest(?::bigint[]) WITH ORDINALITY AS t(pid, ord)
                        """)) {
                    insert.setObject(1, result.runId());
                    insert.setArray(2, ids);
                    insert.executeUpdate();
                }
                try (PreparedStatement select = connection.prepareStatement("""
                        SELECT p.local_id FROM aligned_cohort a JOIN patient p ON p.id = a.patient_id
                         WHERE a.psi_run_id = ? ORDER BY a.row_index
                        """)) {
                    select.setObject(1, result.runId());
                    select.setFetchSize(10_000);
                    try (ResultSet rows = select.executeQuery()) {
                        return cohortSha256(rows);
                    }
                }
            });
            audit.record(projectId, AuditEventType.PSI_COMPLETED, Map.of("cohort", cohortSha256), Map.of(
                    "psiRun", result.runId().toString(),
                    "cohortSize", Integer.toString(result.intersectionSize()),
                    "localSetSize", Integer.toString(result.localSetSize()),
                    "peerSetSize", Integer.toString(result.peerSetSize())));
        }
        int updated = jdbc.sql("""
                UPDATE psi_run SET status = 'COMPLETED', intersection_size = :size, cohort_sha256 = :sha,
                       finished_at = now()
                 WHERE id = :id AND status = 'RUNNING'
                """)
                .param("size", result.intersectionSize())
                .param("sha", cohortSha256)
                .param("id", result.runId())
                .update();
        if (updated != 1) {
            // Failed meanwhile (e.g. timed out): roll back the cohort with everything else.
            throw new IllegalStateException("PSI run " + result.runId() + " is no longer running");
        }
        return cohortSha256;
    }

    /**
     * The commitment to an aligned list: SHA-256 of the UTF-8 text in which row i is the
     * party's local patient id followed by a line feed, in row order. An auditor holding
     * the party's list recomputes it.
     */
    static String cohortSha256(ResultSet localIdsInRowOrder) throws java.sql.SQLException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        while (localIdsInRowOrder.next()) {
            digest.update((localIdsInRowOrder.getString(1) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    Optional<PsiRunView> find(UUID runId) {
        return jdbc.sql("SELECT * FROM psi_run WHERE id = ?")
                .param(runId)
                .query((rs, row) -> new PsiRunView(
                        rs.getObject("id", UUID.class),
                        rs.getObject("project_id", UUID.class),
                        PsiMode.valueOf(rs.getString("mode")),
                        rs.getString("status"),
                        (Integer) rs.getObject("local_set_size"),
                        (Integer) rs.getObject("duplicates_reported"),
                        (Integer) rs.getObject("intersection_size"),
                        rs.getString("cohort_sha256"),
                        rs.getString("error"),
                        rs.getTimestamp("started_at").toInstant(),
                        rs.getTimestamp("finished_at") == null ? null : rs.getTimestamp("finished_at").toInstant(),
                        null))
                .optional();
    }
}
