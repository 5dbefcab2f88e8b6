package org.genovfl.party.psi;

import java.util.UUID;
import org.genovfl.party.web.InvalidFieldException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** {@link AlignedCohorts} from this party's psi_run and aligned_cohort tables. */
@Component
class PsiAlignedCohorts implements AlignedCohorts {

    private record RunState(UUID projectId, String status, String commitment) {
    }

    private final JdbcClient jdbc;

    PsiAlignedCohorts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public UsableCohort requireUsable(UUID projectId, UUID psiRunId, String here) {
        RunState run = jdbc.sql("SELECT project_id, status, cohort_commitment FROM psi_run WHERE id = ?")
                .param(psiRunId)
                .query((rs, n) -> new RunState(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)))
                .optional()
                .orElseThrow(() -> new InvalidFieldException(HttpStatus.NOT_FOUND, "/psiRunId",
                        "no PSI run " + psiRunId + " is known at " + here));
        if (!run.projectId().equals(projectId)) {
            throw new InvalidFieldException(HttpStatus.CONFLICT, "/psiRunId",
                    "PSI run " + psiRunId + " belongs to another project at " + here);
        }
        if (!"COMPLETED".equals(run.status())) {
            throw new InvalidFieldException(HttpStatus.CONFLICT, "/psiRunId",
                    "PSI run " + psiRunId + " is " + run.status() + " at " + here + ", not COMPLETED");
        }
        int rows = jdbc.sql("SELECT count(*) FROM aligned_cohort WHERE psi_run_id = ?").param(psiRunId)
                .query(Integer.class).single();
        return new UsableCohort(psiRunId, rows, run.commitment());
    }
}
