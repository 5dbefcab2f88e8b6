package org.genovfl.party.psi;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.genovfl.psi.JointCohortCommitment.Component;
import org.genovfl.psi.PsiMode;
import org.genovfl.psi.PsiRole;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Joint cohorts in this party's database: the pairwise runs they are built from, the rows
 * of a source run a joint cohort takes, and the joint run itself, a {@code psi_run} of kind
 * JOINT whose rows are stored, committed to and audited by {@link PsiRunStore#settle} like a
 * pairwise cohort's, in the transaction that stores them.
 */
@Repository
class JointCohortStore {

    private final JdbcClient jdbc;
    private final JdbcTemplate template;
    private final PsiRunStore runs;

    JointCohortStore(JdbcClient jdbc, JdbcTemplate template, PsiRunStore runs) {
        this.jdbc = jdbc;
        this.template = template;
        this.runs = runs;
    }

    /** A PSI run as a candidate source: {@code size} is its number of aligned rows (null until it has them). */
    record SourceRun(UUID runId, UUID projectId, String kind, String mode, String status, UUID peerPartyId,
            Integer size) {

        /** Whether it is a pairwise run in intersection mode: one that aligns a cohort a joint one can take. */
        boolean alignedAPairwiseCohort() {
            return PsiRunStore.PAIRWISE.equals(kind) && PsiMode.INTERSECTION.name().equals(mode);
        }
    }

    Optional<SourceRun> source(UUID runId) {
        return jdbc.sql("""
                SELECT id, project_id, kind, mode, status, peer_party_id, intersection_size FROM psi_run WHERE id = ?
                """).param(runId)
                .query((rs, row) -> new SourceRun(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getString(4), rs.getString(5), rs.getObject(6, UUID.class),
                        (Integer) rs.getObject(7)))
                .optional();
    }

    /** The hospital's joint run, RUNNING, with its sources in order; their components come with the rows. */
    @Transactional
    void create(UUID jointRunId, UUID projectId, List<UUID> sourceRunIds) {
        runs.create(jointRunId, projectId, null, PsiMode.INTERSECTION, PsiRole.INITIATOR, PsiRunStore.JOINT);
        for (int position = 0; position < sourceRunIds.size(); position++) {
            insertSource(jointRunId, position, sourceRunIds.get(position), null);
        }
    }

    /** Source {@code position} of a joint run; its component is null until the rows are aligned. */
    private void insertSource(UUID jointRunId, int position, UUID sourceRunId, String componentSha256) {
        jdbc.sql("""
                INSERT INTO psi_run_source (joint_run_id, position, source_run_id, component_sha256)
                VALUES (?, ?, ?, ?)
                """).params(jointRunId, position, sourceRunId, componentSha256).update();
    }

    /** Joint runs this party drives (as the hospital) that are still RUNNING. */
    List<UUID> runningHere() {
        return jdbc.sql("SELECT id FROM psi_run WHERE kind = 'JOINT' AND role = 'INITIATOR' AND status = 'RUNNING'")
                .query(UUID.class).list();
    }

    @Transactional
    void recordComponents(UUID jointRunId, List<Component> components) {
        for (Component component : components) {
            jdbc.sql("UPDATE psi_run_source SET component_sha256 = ? WHERE joint_run_id = ? AND source_run_id = ?")
                    .params(component.sha256(), jointRunId, component.sourceRunId()).update();
        }
    }

    /**
     * The joint rows as the hospital forms them: the patients of the first source run who are
     * in every other source run too and have not withdrawn research consent since, in the
     * first run's row order.
     */
    long[] jointPatients(List<UUID> sourceRunIds) {
        List<UUID> others = sourceRunIds.subList(1, sourceRunIds.size());
        return jdbc.sql("""
                SELECT f.patient_id
                  FROM aligned_cohort f
                 WHERE f.psi_run_id = :first
                   AND (SELECT count(*) FROM aligned_cohort o
                         WHERE o.psi_run_id IN (:others) AND o.patient_id = f.patient_id) = :otherCount
                   AND NOT EXISTS (SELECT 1 FROM current_consent c
                                    WHERE c.patient_id = f.patient_id
                                      AND c.scope = 'RESEARCH' AND c.status = 'WITHDRAWN')
                 ORDER BY f.row_index
                """)
                .param("first", sourceRunIds.get(0))
                .param("others", others)
                .param("otherCount", others.size())
                .query(Long.class).list().stream().mapToLong(Long::longValue).toArray();
    }

    /** The {@code row_index} each of {@code patients} has in {@code source}, in that order. */
    int[] rowIndicesOf(UUID source, long[] patients) {
        Long[] boxed = LongStream.of(patients).boxed().toArray(Long[]::new);
        return template.execute((ConnectionCallback<int[]>) connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT a.row_index
                      FROM unnest(?::bigint[]) WITH ORDINALITY AS t(pid, ord)
                      JOIN aligned_cohort a ON a.psi_run_id = ? AND a.patient_id = t.pid
                     ORDER BY t.ord
                    """)) {
                select.setArray(1, connection.createArrayOf("bigint", boxed));
                select.setObject(2, source);
                List<Integer> rows = new java.util.ArrayList<>(patients.length);
                try (ResultSet result = select.executeQuery()) {
                    while (result.next()) {
                        rows.add(result.getInt(1));
                    }
                }
                return rows.stream().mapToInt(Integer::intValue).toArray();
            }
        });
    }

    /**
     * The tokens {@code source} stored for its rows {@code rowIndices}, in that order, 32
     * bytes each; empty if one of the rows is missing or has no token.
     */
    Optional<byte[]> tokensAt(UUID source, int[] rowIndices) {
        return withRowIndices(rowIndices, (connection, rows) -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    SELECT count(a.token), string_agg(a.token, ''::bytea ORDER BY t.ord)
                      FROM unnest(?::int[]) WITH ORDINALITY AS t(idx, ord)
                      JOIN aligned_cohort a ON a.psi_run_id = ? AND a.row_index = t.idx
                    """)) {
                select.setArray(1, rows);
                select.setObject(2, source);
                try (ResultSet result = select.executeQuery()) {
                    result.next();
                    return result.getLong(1) == rowIndices.length ? Optional.ofNullable(result.getBytes(2))
                            : Optional.empty();
                }
            }
        });
    }

    /**
     * Hospital: every lab accepted. Stores this party's joint rows (from the first source),
     * and completes the run with JOINT_COHORT_COMPLETED audited, in one transaction.
     */
    @Transactional
    void complete(UUID projectId, UUID jointRunId, UUID source, int[] rowIndices, byte[] tokens,
            String jointCommitment) {
        storeRows(jointRunId, source, rowIndices);
        runs.settle(projectId, new PsiRunStore.Outcome(jointRunId, rowIndices.length, null, jointCommitment),
                runs.commitLocally(jointRunId, tokens), false);
    }

    /**
     * Lab: the proposal checked out. Stores the joint run CONFIRMED (not usable until the
     * hospital's completion) with its sources and rows, in one transaction.
     */
    @Transactional
    void confirm(UUID projectId, UUID jointRunId, UUID hospitalPartyId, List<Component> components, UUID source,
            int[] rowIndices, byte[] tokens, String jointCommitment) {
        runs.create(jointRunId, projectId, hospitalPartyId, PsiMode.INTERSECTION, PsiRole.RESPONDER,
                PsiRunStore.JOINT);
        for (int position = 0; position < components.size(); position++) {
            insertSource(jointRunId, position, components.get(position).sourceRunId(),
                    components.get(position).sha256());
        }
        storeRows(jointRunId, source, rowIndices);
        runs.settle(projectId, new PsiRunStore.Outcome(jointRunId, rowIndices.length, null, jointCommitment),
                runs.commitLocally(jointRunId, tokens), true);
    }

    /** Joint row r is the patient (and token) of row {@code rowIndices[r]} of {@code source}. */
    private void storeRows(UUID jointRunId, UUID source, int[] rowIndices) {
        int stored = withRowIndices(rowIndices, (connection, rows) -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    INSERT INTO aligned_cohort (psi_run_id, row_index, patient_id, token)
                    SELECT ?, (t.ord - 1)::int, a.patient_id, a.token
                      FROM unnest(?::int[]) WITH ORDINALITY AS t(idx, ord)
                      JOIN aligned_cohort a ON a.psi_run_id = ? AND a.row_index = t.idx
                    """)) {
                insert.setObject(1, jointRunId);
                insert.setArray(2, rows);
                insert.setObject(3, source);
                return insert.executeUpdate();
            }
        });
        if (stored != rowIndices.length) {
            // The source lost rows since they were checked: roll the whole step back.
            throw new IllegalStateException("joint cohort " + jointRunId + ": " + stored + " of " + rowIndices.length
                    + " rows found in source run " + source);
        }
    }

    @FunctionalInterface
    private interface WithArray<T> {
        T apply(java.sql.Connection connection, Array rows) throws java.sql.SQLException;
    }

    private <T> T withRowIndices(int[] rowIndices, WithArray<T> action) {
        Integer[] boxed = IntStream.of(rowIndices).boxed().toArray(Integer[]::new);
        return template.execute((ConnectionCallback<T>) connection ->
                action.apply(connection, connection.createArrayOf("integer", boxed)));
    }
}
