package org.genovfl.party.psi;

import java.security.SecureRandom;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.genovfl.audit.AuditEventType;
import org.genovfl.party.audit.AuditOutbox;
import org.genovfl.psi.CohortCommitment;
import org.genovfl.psi.IdentifierType;
import org.genovfl.psi.JointCohortCommitment.Component;
import org.genovfl.psi.LinkageRecord;
import org.genovfl.psi.PsiMode;
import org.genovfl.psi.PsiResult;
import org.genovfl.psi.PsiRole;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * PSI runs in this party's database: the eligible linkage identifiers going in, the run's
 * status, and the aligned cohort, which is written only by {@link #complete} in the same
 * transaction that marks the run CONFIRMED (responder) or COMPLETED (initiator, with its
 * audit event). A responder's cohort becomes usable when {@link #commit} completes it;
 * {@link #fail} drops it.
 */
@Repository
class PsiRunStore {

    /** {@code psi_run.kind} (V7) of a run with one peer. */
    static final String PAIRWISE = "PAIRWISE";
    /** {@code psi_run.kind} of a joint cohort. */
    static final String JOINT = "JOINT";
    private static final SecureRandom SALTS = new SecureRandom();

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

    /** Whether the project's specification requires research consent ({@code ProjectSpec.consentRequired}). */
    boolean consentRequired(UUID projectId) {
        return jdbc.sql("SELECT coalesce((cohort_spec -> 'spec' ->> 'consentRequired')::boolean, false) FROM project "
                + "WHERE id = ?").param(projectId).query(Boolean.class).optional().orElse(false);
    }

    /** The project's latest consent snapshot here, if one was taken (at registration, by the consent holder). */
    Optional<UUID> consentSnapshot(UUID projectId) {
        return jdbc.sql("SELECT id FROM consent_snapshot WHERE project_id = ? ORDER BY taken_at DESC, id LIMIT 1")
                .param(projectId).query(UUID.class).optional();
    }

    /**
     * The identifiers of {@code type} that may enter the protocol. A patient whose current
     * research consent is WITHDRAWN never does. With {@code snapshot}, only members of that
     * consent snapshot whose consent is still GRANTED do: not a patient who consented
     * after it, nor one without any consent record.
     */
    List<LinkageRecord> eligibleRecords(IdentifierType type, Optional<UUID> snapshot) {
        return jdbc.sql("""
                SELECT li.patient_id, li.normalised_value
                  FROM linkage_identifier li
                 WHERE li.id_type = :type
                   AND NOT EXISTS (SELECT 1 FROM current_consent c
                                    WHERE c.patient_id = li.patient_id
                                      AND c.scope = 'RESEARCH' AND c.status = 'WITHDRAWN')
                   AND (CAST(:snapshot AS uuid) IS NULL
                        OR (EXISTS (SELECT 1 FROM consent_snapshot_member m
                                     WHERE m.snapshot_id = :snapshot AND m.patient_id = li.patient_id)
                            AND EXISTS (SELECT 1 FROM current_consent c
                                         WHERE c.patient_id = li.patient_id
                                           AND c.scope = 'RESEARCH' AND c.status = 'GRANTED')))
                """)
                .param("type", type.name())
                .param("snapshot", snapshot.orElse(null))
                .query((rs, row) -> new LinkageRecord(rs.getLong(1), rs.getString(2)))
                .list();
    }

    @Transactional
    void create(UUID runId, UUID projectId, UUID peerPartyId, PsiMode mode, PsiRole role) {
        create(runId, projectId, peerPartyId, mode, role, PAIRWISE);
    }

    /** A RUNNING run of {@code kind} ({@link #PAIRWISE} or {@link #JOINT}). */
    @Transactional
    void create(UUID runId, UUID projectId, UUID peerPartyId, PsiMode mode, PsiRole role, String kind) {
        jdbc.sql("""
                INSERT INTO psi_run (id, project_id, peer_party_id, mode, status, role, kind)
                VALUES (:id, :project, :peer, :mode, 'RUNNING', :role, :kind)
                """)
                .param("id", runId)
                .param("project", projectId)
                .param("peer", peerPartyId)
                .param("mode", mode.name())
                .param("role", role.name())
                .param("kind", kind)
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

    /**
     * Marks a running or confirmed run FAILED and drops any cohort it holds, in a
     * transaction of its own, whatever the caller's transaction does.
     *
     * @return whether the run was running or confirmed (false if it had completed or failed)
     */
    @Transactional(propagation = Propagation.REQUIRES_NEW)
    boolean fail(UUID runId, String reason) {
        int updated = jdbc.sql("""
                UPDATE psi_run SET status = 'FAILED', error = :error, finished_at = now()
                 WHERE id = :id AND status IN ('RUNNING', 'CONFIRMED')
                """)
                .param("error", reason.length() > 2000 ? reason.substring(0, 2000) : reason)
                .param("id", runId)
                .update();
        if (updated == 1) {
            jdbc.sql("DELETE FROM aligned_cohort WHERE psi_run_id = ?").param(runId).update();
        }
        return updated == 1;
    }

    /**
     * Stores the outcome of a run: in intersection mode the aligned cohort with each row's
     * token, the joint commitment, and this party's salted local commitment. The run becomes
     * COMPLETED, with PSI_COMPLETED audited in the same transaction, or, with
     * {@code awaitCommit} (the responder in intersection mode), CONFIRMED until the
     * initiator's {@link #commit}. {@code beforeCommit} runs once the rows are written and
     * before the status changes (the initiator checks the responder's confirmation there,
     * so both store at once): if it throws, the transaction rolls back and nothing is kept.
     */
    @Transactional
    void complete(UUID projectId, PsiResult result, boolean awaitCommit, Runnable beforeCommit) {
        LocalCommitment local = null;
        if (result.mode() == PsiMode.INTERSECTION) {
            storeCohort(result);
            local = commitLocally(result.runId(), result.alignedTokens());
        }
        beforeCommit.run();
        settle(projectId, new Outcome(result.runId(), result.intersectionSize(), result.peerSetSize(),
                result.cohortCommitment()), local, awaitCommit);
    }

    /** What a run agreed on: its size, the peer's set size (null for a joint cohort) and the joint commitment. */
    record Outcome(UUID runId, int size, Integer peerSetSize, String jointCommitment) {
    }

    /** A party's salted commitment to its own rows of a cohort ({@link CohortCommitment#local}), with its salt. */
    record LocalCommitment(byte[] salt, String sha256) {
    }

    /**
     * Commits to the rows stored for {@code runId} under a fresh salt: {@code tokens} (theirs,
     * in row order) and this party's local ids of them.
     */
    LocalCommitment commitLocally(UUID runId, byte[] tokens) {
        byte[] salt = new byte[CohortCommitment.SALT_BYTES];
        SALTS.nextBytes(salt);
        return new LocalCommitment(salt, CohortCommitment.local(salt, tokens, localIdsInRowOrder(runId)));
    }

    /**
     * Closes a RUNNING run whose rows, if it has any, are stored and committed to
     * ({@code local}, null for a count only): marks it CONFIRMED ({@code awaitCommit}) or
     * COMPLETED with its audit event. Must run in the transaction that stored the rows.
     *
     * @throws IllegalStateException if the run is no longer running (failed meanwhile), so
     *     that the caller's transaction rolls the rows back
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void settle(UUID projectId, Outcome outcome, LocalCommitment local, boolean awaitCommit) {
        // clock_timestamp(), not now(): now() is when this transaction began, before the
        // cohort's rows were written (seconds at 1M).
        int updated = jdbc.sql("""
                UPDATE psi_run SET status = :status, intersection_size = :size, peer_set_size = :peerSize,
                       cohort_commitment = :joint, cohort_sha256 = :local, cohort_salt = :salt,
                       confirmed_at = clock_timestamp(),
                       finished_at = CASE WHEN :status = 'COMPLETED' THEN clock_timestamp() END
                 WHERE id = :id AND status = 'RUNNING'
                """)
                .param("status", awaitCommit ? "CONFIRMED" : "COMPLETED")
                .param("size", outcome.size())
                .param("peerSize", outcome.peerSetSize())
                .param("joint", outcome.jointCommitment())
                .param("local", local == null ? null : local.sha256())
                .param("salt", local == null ? null : local.salt())
                .param("id", outcome.runId())
                .update();
        if (updated != 1) {
            // Failed meanwhile (e.g. timed out): roll back the cohort with everything else.
            throw new IllegalStateException("PSI run " + outcome.runId() + " is no longer running");
        }
        if (!awaitCommit) {
            auditCompleted(projectId, outcome.runId());
        }
    }

    /** Inserts the aligned rows with their tokens. */
    private void storeCohort(PsiResult result) {
        Long[] patientIds = result.alignedPatientIds().toArray(Long[]::new);
        template.execute((ConnectionCallback<Void>) connection -> {
            Array ids = connection.createArrayOf("bigint", patientIds);
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO aligned_cohort (psi_run_id, row_index, patient_id, token)
                    SELECT ?, (t.ord - 1)::int, t.pid, substring(?::bytea FROM ((t.ord - 1) * 32 + 1)::int FOR 32)
                      FROM unnest(?::bigint[]) WITH ORDINALITY AS t(pid, ord)
                    """)) {
                insert.setObject(1, result.runId());
                insert.setBytes(2, result.alignedTokens());
                insert.setArray(3, ids);
                insert.executeUpdate();
            }
            return null;
        });
    }

    /** The local ids of a run's stored rows, in row order: what the salted local commitment covers. */
    private List<String> localIdsInRowOrder(UUID runId) {
        return template.execute((ConnectionCallback<List<String>>) connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT p.local_id FROM aligned_cohort a JOIN patient p ON p.id = a.patient_id
                     WHERE a.psi_run_id = ? ORDER BY a.row_index
                    """)) {
                select.setObject(1, runId);
                select.setFetchSize(10_000);
                List<String> localIds = new ArrayList<>();
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        localIds.add(rows.getString(1));
                    }
                }
                return localIds;
            }
        });
    }

    /**
     * The initiator completed the run with the same joint commitment: a CONFIRMED run
     * becomes COMPLETED and is audited. Idempotent: a run already COMPLETED stays so.
     *
     * @return false if the run is not CONFIRMED or COMPLETED here, or its commitment differs
     */
    @Transactional
    boolean commit(UUID runId, String cohortCommitment) {
        int updated = jdbc.sql("""
                UPDATE psi_run SET status = 'COMPLETED', finished_at = now()
                 WHERE id = ? AND status = 'CONFIRMED' AND cohort_commitment = ?
                """).param(runId).param(cohortCommitment).update();
        if (updated == 1) {
            UUID projectId = jdbc.sql("SELECT project_id FROM psi_run WHERE id = ?").param(runId)
                    .query(UUID.class).single();
            auditCompleted(projectId, runId);
            return true;
        }
        return peerView(runId).filter(run -> run.status().equals("COMPLETED")
                && cohortCommitment.equals(run.cohortCommitment())).isPresent();
    }

    /**
     * PSI_COMPLETED with the joint and (intersection mode) local commitments, sizes and run
     * id; for a joint cohort JOINT_COHORT_COMPLETED with its commitments, size, and each
     * source's run and component, in source order.
     */
    private void auditCompleted(UUID projectId, UUID runId) {
        PsiRunView run = find(runId).orElseThrow();
        if (run.mode() != PsiMode.INTERSECTION) {
            return; // a count only: nothing to commit to
        }
        if (JOINT.equals(run.kind())) {
            auditJointCompleted(projectId, run);
            return;
        }
        Integer peerSetSize = jdbc.sql("SELECT peer_set_size FROM psi_run WHERE id = ?").param(runId)
                .query(Integer.class).single();
        audit.record(projectId, AuditEventType.PSI_COMPLETED,
                Map.of("cohort", run.cohortCommitment(), "localCohort", run.cohortSha256()), Map.of(
                        "psiRun", runId.toString(),
                        "cohortSize", Integer.toString(run.intersectionSize()),
                        "localSetSize", Integer.toString(run.localSetSize()),
                        "peerSetSize", Integer.toString(peerSetSize)));
    }

    private void auditJointCompleted(UUID projectId, PsiRunView run) {
        Map<String, String> hashes = new TreeMap<>(Map.of("cohort", run.cohortCommitment(),
                "localCohort", run.cohortSha256()));
        Map<String, String> metadata = new TreeMap<>(Map.of("psiRun", run.runId().toString(),
                "cohortSize", Integer.toString(run.intersectionSize()),
                "sources", Integer.toString(run.sourceRunIds().size())));
        List<Component> components = components(run.runId());
        for (int position = 0; position < components.size(); position++) {
            hashes.put("component." + position, components.get(position).sha256());
            metadata.put("sourceRun." + position, components.get(position).sourceRunId().toString());
        }
        audit.record(projectId, AuditEventType.JOINT_COHORT_COMPLETED, hashes, metadata);
    }

    private List<UUID> sourceRunIds(UUID jointRunId) {
        return jdbc.sql("SELECT source_run_id FROM psi_run_source WHERE joint_run_id = ? ORDER BY position")
                .param(jointRunId).query(UUID.class).list();
    }

    /** A joint cohort's sources in source order, with their components (known once the rows are aligned). */
    List<Component> components(UUID jointRunId) {
        return jdbc.sql("""
                SELECT source_run_id, component_sha256 FROM psi_run_source WHERE joint_run_id = ? ORDER BY position
                """).param(jointRunId)
                .query((rs, row) -> new Component(rs.getObject(1, UUID.class), rs.getString(2)))
                .list();
    }

    /** What a run's peer may learn of it here: its status and joint commitment. */
    record PeerView(UUID runId, UUID peerPartyId, PsiRole role, String status, Integer intersectionSize,
            String cohortCommitment) {
    }

    Optional<PeerView> peerView(UUID runId) {
        return jdbc.sql("""
                SELECT id, peer_party_id, role, status, intersection_size, cohort_commitment FROM psi_run WHERE id = ?
                """)
                .param(runId)
                .query(PsiRunStore::peerView)
                .optional();
    }

    /**
     * The run as {@code callerPartyId} may see it: only if the caller is its peer or, for a
     * joint cohort at the hospital, the lab of one of its source runs.
     */
    Optional<PeerView> peerView(UUID runId, UUID callerPartyId) {
        return jdbc.sql("""
                SELECT j.id, CAST(:caller AS uuid), j.role, j.status, j.intersection_size, j.cohort_commitment
                  FROM psi_run j
                 WHERE j.id = :run
                   AND (j.peer_party_id = :caller
                        OR (j.kind = 'JOINT' AND EXISTS (
                               SELECT 1 FROM psi_run_source s JOIN psi_run source ON source.id = s.source_run_id
                                WHERE s.joint_run_id = j.id AND source.peer_party_id = :caller)))
                """)
                .param("run", runId)
                .param("caller", callerPartyId)
                .query(PsiRunStore::peerView)
                .optional();
    }

    private static PeerView peerView(ResultSet rs, int row) throws SQLException {
        return new PeerView(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                rs.getString(3) == null ? null : PsiRole.valueOf(rs.getString(3)), rs.getString(4),
                (Integer) rs.getObject(5), rs.getString(6));
    }

    /** Runs this party confirmed as responder more than {@code age} ago and still holds unconfirmed. */
    List<PeerView> confirmedResponderRuns(Duration age) {
        return jdbc.sql("""
                SELECT id FROM psi_run
                 WHERE status = 'CONFIRMED' AND role = 'RESPONDER' AND confirmed_at < now() - make_interval(secs => ?)
                """)
                .param(age.toMillis() / 1000.0)
                .query(UUID.class).list().stream()
                .map(id -> peerView(id).orElseThrow())
                .toList();
    }

    /** When a run was confirmed here, if it was. */
    Optional<Instant> confirmedAt(UUID runId) {
        return jdbc.sql("SELECT confirmed_at FROM psi_run WHERE id = ?").param(runId)
                .query((rs, row) -> rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant())
                .optional();
    }

    Optional<PsiRunView> find(UUID runId) {
        return jdbc.sql("SELECT * FROM psi_run WHERE id = ?")
                .param(runId)
                .query((rs, row) -> new PsiRunView(
                        rs.getObject("id", UUID.class),
                        rs.getObject("project_id", UUID.class),
                        rs.getString("kind"),
                        PsiMode.valueOf(rs.getString("mode")),
                        rs.getString("status"),
                        (Integer) rs.getObject("local_set_size"),
                        (Integer) rs.getObject("duplicates_reported"),
                        (Integer) rs.getObject("intersection_size"),
                        rs.getString("cohort_commitment"),
                        rs.getString("cohort_sha256"),
                        rs.getString("error"),
                        rs.getTimestamp("started_at").toInstant(),
                        rs.getTimestamp("finished_at") == null ? null : rs.getTimestamp("finished_at").toInstant(),
                        JOINT.equals(rs.getString("kind")) ? sourceRunIds(runId) : null,
                        null))
                .optional();
    }

    /** Ids of this party's latest runs, newest first (for the web pages' run history). */
    List<UUID> latestRunIds(int limit) {
        return jdbc.sql("SELECT id FROM psi_run ORDER BY started_at DESC LIMIT ?").param(limit)
                .query((rs, row) -> rs.getObject(1, UUID.class)).list();
    }

    Optional<String> peerOrganisation(UUID runId) {
        return jdbc.sql("SELECT p.organisation_name FROM psi_run r JOIN party p ON p.id = r.peer_party_id WHERE r.id = ?")
                .param(runId).query(String.class).optional();
    }
}
