package org.genovfl.party.psi;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.UUID;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.security.AvailableAt;
import org.genovfl.psi.PsiMode;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * People API of PSI: start a run with a peer, join runs with several labs into one cohort,
 * follow either. Answers never contain identifiers.
 */
@RestController
class PsiController {

    /**
     * @param mode INTERSECTION (default) aligns the cohort; CARDINALITY only counts it
     */
    @org.genovfl.party.web.StrictJson
    record StartPsiRun(@NotNull UUID projectId, @NotBlank String peerOrganisation, PsiMode mode) {
    }

    private final PsiService psi;
    private final JointCohortService joint;

    PsiController(PsiService psi, JointCohortService joint) {
        this.psi = psi;
        this.joint = joint;
    }

    @Operation(summary = "Starts private set intersection with a peer for a project",
            description = "Role: PARTY_ADMIN (either mode) or COORDINATOR (CARDINALITY only: a feasibility count, "
                    + "never ids). Answers 202 with the run; follow it with GET /api/psi/runs/{runId}.")
    @PreAuthorize("hasAnyRole('PARTY_ADMIN', 'COORDINATOR')")
    @PostMapping("/api/psi/runs")
    ResponseEntity<PsiRunView> start(@Valid @RequestBody StartPsiRun request, Authentication caller) {
        PsiMode mode = request.mode() == null ? PsiMode.INTERSECTION : request.mode();
        boolean admin = caller.getAuthorities().stream().anyMatch(a -> a.getAuthority().equals("ROLE_PARTY_ADMIN"));
        if (mode == PsiMode.INTERSECTION && !admin) {
            throw new AccessDeniedException("only a PARTY_ADMIN may align a cohort; a COORDINATOR may ask for "
                    + "CARDINALITY");
        }
        PsiRunView run = psi.start(request.projectId(), request.peerOrganisation(), mode);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(run);
    }

    /**
     * @param psiRunIds the hospital's completed pairwise runs, one per lab; the first one's row
     *     order becomes the joint order
     */
    @org.genovfl.party.web.StrictJson
    record CreateJointCohort(@NotNull UUID projectId, @NotNull List<@NotNull UUID> psiRunIds) {
    }

    @Operation(summary = "Aligns one cohort across the hospital and several labs from its pairwise PSI runs",
            description = "Role: PARTY_ADMIN, at the hospital. Answers 202 with the joint run, a PSI run of kind "
                    + "JOINT with the same id at every party; follow it with GET /api/psi/runs/{runId} and train "
                    + "on it by that id. Refusals are problem details (404 unknown run, 409 run not COMPLETED, "
                    + "422 a run that cannot be a source).")
    @PreAuthorize("hasRole('PARTY_ADMIN')")
    @AvailableAt(PartyRole.HOSPITAL)
    @PostMapping("/api/psi/joint-cohorts")
    ResponseEntity<PsiRunView> createJointCohort(@Valid @RequestBody CreateJointCohort request) {
        PsiRunView run = joint.create(request.projectId(), request.psiRunIds());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(run);
    }

    @Operation(summary = "A PSI run or joint cohort: status, sizes, progress, cohort commitment",
            description = "Role: PARTY_ADMIN, COORDINATOR or REGULATOR.")
    @PreAuthorize("hasAnyRole('PARTY_ADMIN', 'COORDINATOR', 'REGULATOR')")
    @GetMapping("/api/psi/runs/{runId}")
    ResponseEntity<?> run(@PathVariable UUID runId) {
        return psi.find(runId).map(joint::withProgress).<ResponseEntity<?>>map(ResponseEntity::ok).orElseGet(() -> {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
                    "no PSI run " + runId + " at this party");
            problem.setTitle("PSI run not found");
            return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
        });
    }
}
