package org.genovfl.party.training;

import io.swagger.v3.oas.annotations.Operation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.UUID;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.security.AvailableAt;
import org.genovfl.party.web.StrictJson;
import org.genovfl.vfl.TrainingConfig;
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

/** People API of training: the coordinator starts and follows runs; a data holder sees its own part. */
@RestController
class TrainingController {

    /**
     * Hyper-parameters left out take the values of {@link TrainingConfig#defaults(long)};
     * fields and ranges in docs/api.md. Unknown fields are refused ({@link StrictJson}).
     *
     * @param seed fixes the validation and test split and the batch order (default 42)
     */
    @StrictJson
    record StartTrainingRun(@NotNull UUID projectId, @NotNull UUID psiRunId, Long seed, Double validationFraction,
            Double testFraction, Integer batchSize, Integer maxEpochs, Double learningRate, Double learningRateDecay,
            Double momentum, Double l2, Integer patience, Double minDelta, Double sigmoidInterval,
            TrainingConfig.StoppingMetric stoppingMetric, TrainingConfig.ReleasePolicy releasePolicy) {

        TrainingConfig config() {
            TrainingConfig d = TrainingConfig.defaults(seed == null ? 42 : seed);
            return new TrainingConfig(d.seed(), or(validationFraction, d.validationFraction()),
                    or(batchSize, d.batchSize()), or(maxEpochs, d.maxEpochs()), or(learningRate, d.learningRate()),
                    or(learningRateDecay, d.learningRateDecay()), or(momentum, d.momentum()), or(l2, d.l2()),
                    or(patience, d.patience()), or(minDelta, d.minDelta()), or(sigmoidInterval, d.sigmoidInterval()),
                    or(stoppingMetric, d.stoppingMetric()), or(testFraction, d.testFraction()),
                    or(releasePolicy, d.releasePolicy()));
        }

        private static <T> T or(T value, T fallback) {
            return value == null ? fallback : value;
        }
    }

    private final CoordinatorTraining coordinator;
    private final DataHolderTraining dataHolder;
    private final PartyProperties properties;

    TrainingController(CoordinatorTraining coordinator, DataHolderTraining dataHolder, PartyProperties properties) {
        this.coordinator = coordinator;
        this.dataHolder = dataHolder;
        this.properties = properties;
    }

    @Operation(summary = "Starts a vertical logistic-regression run on a PSI run's aligned cohort",
            description = "Role: COORDINATOR, at the coordinator. Every data holder first checks that it can serve "
                    + "the run (404 problem naming /projectId or /psiRunId if unknown there, 409 if the PSI run is "
                    + "not COMPLETED or of another project, 422 if the label lacks a class in a split); then 202 "
                    + "with the run, which executes in the background: follow it with GET /api/training-runs/{runId}. "
                    + "Fields, defaults and units: docs/api.md.")
    @PreAuthorize("hasRole('COORDINATOR')")
    @AvailableAt(PartyRole.COORDINATOR)
    @PostMapping("/api/training-runs")
    ResponseEntity<TrainingRunView> start(@Valid @RequestBody StartTrainingRun request) {
        TrainingRunView run = coordinator.start(request.projectId(), request.psiRunId(), request.config());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(run);
    }

    @Operation(summary = "A training run: status, progress, per-epoch validation, best epoch",
            description = "Role: COORDINATOR at the coordinator (progress and metrics); PARTY_ADMIN at a hospital "
                    + "or lab (its own part, and its own coefficients once released).")
    @PreAuthorize("hasAnyRole('COORDINATOR', 'PARTY_ADMIN')")
    @GetMapping("/api/training-runs/{runId}")
    ResponseEntity<?> run(@PathVariable UUID runId, Authentication caller) {
        boolean atCoordinator = properties.role() == PartyRole.COORDINATOR;
        String required = atCoordinator ? "ROLE_COORDINATOR" : "ROLE_PARTY_ADMIN";
        if (caller.getAuthorities().stream().noneMatch(a -> a.getAuthority().equals(required))) {
            throw new AccessDeniedException("training runs are shown to " + required.substring(5) + " here");
        }
        var view = atCoordinator ? coordinator.find(runId) : dataHolder.find(runId);
        return view.<ResponseEntity<?>>map(ResponseEntity::ok).orElseGet(() -> ResponseEntity
                .status(HttpStatus.NOT_FOUND)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no training run " + runId + " here")));
    }

    @Operation(summary = "This party's released coefficient file",
            description = "Role: PARTY_ADMIN, at a hospital or lab. The bytes whose SHA-256 the MODEL_RELEASED "
                    + "event records: a regulator can verify the file against the audit trail.")
    @PreAuthorize("hasRole('PARTY_ADMIN')")
    @AvailableAt({PartyRole.HOSPITAL, PartyRole.LAB})
    @GetMapping(path = "/api/training-runs/{runId}/model", produces = "application/octet-stream")
    ResponseEntity<?> model(@PathVariable UUID runId) {
        return dataHolder.modelFile(runId).<ResponseEntity<?>>map(ResponseEntity::ok).orElseGet(() -> ResponseEntity
                .status(HttpStatus.NOT_FOUND).contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no model released by run " + runId + " here")));
    }
}
