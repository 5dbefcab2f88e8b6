package org.genovfl.party.inference;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.UUID;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.web.StrictJson;
import org.genovfl.party.inference.InferenceStore.ScoreRow;
import org.genovfl.party.security.AvailableAt;
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
 * People API of inference: the coordinator starts and follows runs; a data holder sees its
 * own part; the requester's administrators, and nobody else, read the scores.
 */
@RestController
class InferenceController {

    /**
     * @param trainingRunId the released model
     * @param psiRunId the aligned rows to score: the training cohort's PSI run or a later one of the project
     */
    @StrictJson
    record StartInferenceRun(@NotNull UUID projectId, @NotNull UUID trainingRunId, @NotNull UUID psiRunId) {
    }

    /** The requester's scores: aligned row, its own patient's local id, P(outcome). */
    record Scores(UUID runId, int rowCount, List<ScoreRow> scores) {
    }

    private final CoordinatorInference coordinator;
    private final DataHolderInference dataHolder;
    private final PartyProperties properties;

    InferenceController(CoordinatorInference coordinator, DataHolderInference dataHolder, PartyProperties properties) {
        this.coordinator = coordinator;
        this.dataHolder = dataHolder;
        this.properties = properties;
    }

    @Operation(summary = "Scores a PSI run's aligned patients with a released model, for the project's requester",
            description = "Role: COORDINATOR, at the coordinator. Answers 202; the run executes in the background; "
                    + "follow it with GET /api/inference-runs/{runId}. Only the requester named in the project "
                    + "(default: the hospital) receives the scores.")
    @PreAuthorize("hasRole('COORDINATOR')")
    @AvailableAt(PartyRole.COORDINATOR)
    @PostMapping("/api/inference-runs")
    ResponseEntity<InferenceRunView> start(@Valid @RequestBody StartInferenceRun request) {
        InferenceRunView run = coordinator.start(request.projectId(), request.trainingRunId(), request.psiRunId());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(run);
    }

    @Operation(summary = "An inference run: what it scores, status, phase, row count, hashes; never a score",
            description = "Role: COORDINATOR at the coordinator; PARTY_ADMIN at a hospital or lab (its own part).")
    @PreAuthorize("hasAnyRole('COORDINATOR', 'PARTY_ADMIN')")
    @GetMapping("/api/inference-runs/{runId}")
    ResponseEntity<?> run(@PathVariable UUID runId, Authentication caller) {
        boolean atCoordinator = properties.role() == PartyRole.COORDINATOR;
        String required = atCoordinator ? "ROLE_COORDINATOR" : "ROLE_PARTY_ADMIN";
        if (caller.getAuthorities().stream().noneMatch(a -> a.getAuthority().equals(required))) {
            throw new AccessDeniedException("inference runs are shown to " + required.substring(5) + " here");
        }
        var view = atCoordinator ? coordinator.find(runId) : dataHolder.find(runId);
        return view.<ResponseEntity<?>>map(ResponseEntity::ok).orElseGet(() -> ResponseEntity
                .status(HttpStatus.NOT_FOUND)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no inference run " + runId + " here")));
    }

    @Operation(summary = "The scores of a completed run, by aligned row and own patient",
            description = "Role: PARTY_ADMIN, at the requester named in the project only; any other party answers "
                    + "403 (reason NOT_REQUESTER).")
    @PreAuthorize("hasRole('PARTY_ADMIN')")
    @GetMapping("/api/inference-runs/{runId}/scores")
    Scores scores(@PathVariable UUID runId) {
        if (properties.role() == PartyRole.COORDINATOR) {
            throw new InferenceRunException(runId, InferenceRunException.Reason.NOT_REQUESTER,
                    "the coordinator never holds scores");
        }
        List<ScoreRow> scores = dataHolder.scores(runId);
        return new Scores(runId, scores.size(), scores);
    }
}
