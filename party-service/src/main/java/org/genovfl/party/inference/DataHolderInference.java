package org.genovfl.party.inference;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.inference.InferenceStore.Role;
import org.genovfl.party.inference.InferenceStore.ScoreRow;
import org.genovfl.party.inference.InferenceStore.StoredRun;
import org.genovfl.party.inference.InferenceWire.ContributionRequest;
import org.genovfl.party.inference.InferenceWire.KeysIssued;
import org.genovfl.party.inference.InferenceWire.PreflightAccepted;
import org.genovfl.party.psi.AlignedCohorts;
import org.genovfl.party.inference.InferenceWire.RunRequest;
import org.genovfl.party.inference.InferenceWire.Scored;
import org.genovfl.party.training.ReleasedModels;
import org.genovfl.party.training.ReleasedModels.TrainedRun;
import org.genovfl.party.training.TrainingDataSource;
import org.genovfl.vfl.inference.InferenceException;
import org.genovfl.vfl.inference.InferenceMessages;
import org.genovfl.vfl.inference.InferenceMessages.EncryptedPartialScores;
import org.genovfl.vfl.inference.InferenceMessages.EncryptedScoreSum;
import org.genovfl.vfl.inference.InferenceMessages.ScoringKeys;
import org.genovfl.vfl.inference.PartyModel;
import org.genovfl.vfl.inference.ScoreContributor;
import org.genovfl.vfl.inference.ScoreRequester;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The hospital's and the labs' side of an inference run, driven by the coordinator's peer
 * calls. Every request is checked against this party's own records before anything is
 * computed: the caller must be the coordinator of the training run whose model scores, the
 * requester must be the one this party's copy of the project names, and the model must be
 * released here. The requester's secret key lives in memory only, from its keys to the one
 * sum it decrypts; the scores are stored for its own patients and shown to its own
 * administrators only. Logs name runs and counts only.
 */
@Service
public class DataHolderInference implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DataHolderInference.class);

    private final InferenceStore store;
    private final ReleasedModels models;
    private final TrainingDataSource dataSource;
    private final PartyProperties properties;
    private final AlignedCohorts cohorts;
    /** Requests awaiting their sum: the run's key pair, and the aligned patients to store scores for. */
    private final Map<UUID, PendingRequest> pending = new ConcurrentHashMap<>();

    DataHolderInference(InferenceStore store, ReleasedModels models, TrainingDataSource dataSource,
            PartyProperties properties, AlignedCohorts cohorts) {
        this.cohorts = cohorts;
        this.store = store;
        this.models = models;
        this.dataSource = dataSource;
        this.properties = properties;
    }

    private record PendingRequest(RunRequest run, ScoreRequester requester, List<Long> patients, Instant created) {
    }

    /** How long a requester keeps a run's key for a sum that does not come (the coordinator failed). */
    static final Duration SUM_TIMEOUT = Duration.ofMinutes(30);

    /** A requester restarted while a run awaited its sum has lost the run's key: the run cannot finish. */
    @EventListener(ApplicationReadyEvent.class)
    void failRequestsInterruptedByARestart() {
        if (properties.role() != PartyRole.COORDINATOR) {
            int failed = store.failInterrupted(Role.REQUESTER, "the run's key was lost in a restart of the requester");
            if (failed > 0) {
                log.warn("{} inference run(s) this party requested lost their keys in a restart and are FAILED", failed);
            }
        }
    }

    /**
     * Before the coordinator starts a run: the caller is the model's coordinator, the request
     * names the model's data holders, and the PSI run's aligned cohort can serve the project
     * here. Nothing is stored.
     *
     * @throws org.genovfl.party.web.InvalidFieldException naming {@code /psiRunId} (404 unknown
     *     here, 409 of another project or not COMPLETED)
     */
    PreflightAccepted preflight(String caller, RunRequest run) {
        check(caller, run);
        AlignedCohorts.UsableCohort cohort = cohorts.requireUsable(run.projectId(), run.psiRunId(),
                properties.organisation());
        return new PreflightAccepted(cohort.rows(), cohort.cohortCommitment());
    }

    /**
     * Requester: makes the run's key pair and computes its own partial scores.
     *
     * @return the public key and row count, for the coordinator to pass to the contributors
     */
    KeysIssued keys(String caller, RunRequest run) {
        TrainedRun trained = check(caller, run);
        if (!properties.organisation().equals(run.requester())) {
            throw new InferenceRunException(run.runId(), InferenceRunException.Reason.BAD_DATA,
                    "this party is not the run's requester");
        }
        synchronized (this) {
            requireNew(run);
            expireAbandonedRequests();
            double[] own = partialScores(run, trained);
            ScoreRequester requester = new ScoreRequester(run.runId(), properties.organisation(), own);
            try {
                List<Long> patients = store.alignedPatients(run.psiRunId());
                ScoringKeys keys = requester.keys();
                store.createRequesterRun(run, own.length, InferenceMessages.digest(keys));
                pending.put(run.runId(), new PendingRequest(run, requester, patients, Instant.now()));
                log.info("Inference run {}: keys made to score {} aligned rows with training run {}", run.runId(),
                        own.length, run.trainingRunId());
                return new KeysIssued(keys, store.cohortCommitment(run.psiRunId()).orElse(null));
            } catch (RuntimeException e) {
                requester.close();
                throw e;
            }
        }
    }

    /** Contributor: its partial scores, encrypted under the requester's key, once per run. */
    EncryptedPartialScores contribute(String caller, ContributionRequest request) {
        RunRequest run = request.run();
        ScoringKeys keys = request.keys();
        TrainedRun trained = check(caller, run);
        if (!run.contributors().contains(properties.organisation())) {
            throw new InferenceRunException(run.runId(), InferenceRunException.Reason.BAD_DATA,
                    "this party is not a contributor of the run");
        }
        if (keys == null || !run.requester().equals(keys.requester())) {
            throw new InferenceRunException(run.runId(), InferenceRunException.Reason.BAD_DATA,
                    "the keys are not the requester's");
        }
        if (!Objects.equals(request.cohortCommitment(), store.cohortCommitment(run.psiRunId()).orElse(null))) {
            throw new InferenceRunException(run.runId(), InferenceRunException.Reason.BAD_DATA,
                    "the requester's aligned cohort is not this party's: their PSI commitments differ");
        }
        synchronized (this) {
            requireNew(run);
            double[] own = partialScores(run, trained);
            EncryptedPartialScores partial = protocol(run.runId(),
                    () -> new ScoreContributor(run.runId(), properties.organisation(), own).contribute(keys));
            String digest = InferenceMessages.digest(run.runId(), partial.sender(), partial.rowCount(),
                    partial.ciphertexts());
            store.recordContribution(run, partial.rowCount(), InferenceMessages.digest(keys), digest);
            log.info("Inference run {}: {} partial scores sent encrypted under the requester's key", run.runId(),
                    partial.rowCount());
            return partial;
        }
    }

    /** Requester: decrypts the sum, adds its own part, applies σ and stores the scores. */
    Scored complete(String caller, UUID runId, EncryptedScoreSum sum) {
        PendingRequest request = pending.get(runId);
        if (request == null) {
            throw new InferenceRunException(runId, InferenceRunException.Reason.OUT_OF_ORDER,
                    "no keys of this run await a sum here");
        }
        requireCoordinator(request, caller, "only the coordinator of the model's training run may deliver the sum");
        synchronized (request) {
            if (pending.get(runId) != request) {
                throw new InferenceRunException(runId, InferenceRunException.Reason.OUT_OF_ORDER,
                        "the sum of this run was already delivered");
            }
            double[] scores = protocol(runId, () -> request.requester().scores(sum, request.run().contributors()));
            pending.remove(runId);
            StoredRun stored = store.find(runId).orElseThrow();
            String digest = InferenceMessages.digest(runId, properties.organisation(), sum.rowCount(),
                    sum.ciphertexts());
            String sha = store.storeScores(stored, request.patients(), scores, digest);
            log.info("Inference run {} completed: {} patients scored for this party only; score file SHA-256 {}",
                    runId, scores.length, sha);
            return new Scored(scores.length, sha);
        }
    }

    /**
     * Requester: the coordinator gave up on the run; its key is erased and the run FAILED here.
     * Idempotent.
     *
     * @return whether a key awaiting its sum was erased
     */
    boolean abort(String caller, UUID runId) {
        PendingRequest request = pending.get(runId);
        if (request == null) {
            return false;
        }
        requireCoordinator(request, caller, "only the coordinator of the model's training run may abort its inference");
        if (erase(request, "the coordinator abandoned the run; its key is erased")) {
            log.info("Inference run {} abandoned by the coordinator; its key is erased", runId);
            return true;
        }
        return false;
    }

    // ---- people API --------------------------------------------------------------------------

    Optional<InferenceRunView> find(UUID runId) {
        return store.find(runId).filter(run -> run.role() != Role.COORDINATOR).map(InferenceRunView::of);
    }

    /**
     * The scores of a run, for this party's administrators, if this party requested it.
     *
     * @throws InferenceRunException UNKNOWN_RUN if the run is not known here, NOT_REQUESTER if
     *     this party is not its requester, OUT_OF_ORDER if it has not completed
     */
    List<ScoreRow> scores(UUID runId) {
        StoredRun run = store.find(runId).orElseThrow(() -> new InferenceRunException(runId,
                InferenceRunException.Reason.UNKNOWN_RUN, "no inference run " + runId + " here"));
        if (run.role() != Role.REQUESTER) {
            log.warn("Inference run {}: refused its scores to an administrator of a party that did not request them",
                    runId);
            throw new InferenceRunException(runId, InferenceRunException.Reason.NOT_REQUESTER,
                    "scores are served only to the administrators of the requester named in the project");
        }
        if (!"COMPLETED".equals(run.status())) {
            throw new InferenceRunException(runId, InferenceRunException.Reason.OUT_OF_ORDER,
                    "the run is " + run.status() + "; no scores yet");
        }
        return store.scores(runId);
    }

    // ---- helpers -----------------------------------------------------------------------------

    /**
     * The checks every request passes before anything is computed: from the training run's
     * coordinator, of a model released here, for the project's requester, with exactly the
     * model's other data holders as contributors.
     */
    private TrainedRun check(String caller, RunRequest run) {
        UUID runId = run.runId();
        TrainedRun trained = models.run(run.trainingRunId()).orElseThrow(() -> new InferenceRunException(runId,
                InferenceRunException.Reason.BAD_DATA, "training run " + run.trainingRunId() + " is not known here"));
        if (!caller.equals(trained.participants().coordinator())) {
            throw refused(runId, caller, "only the coordinator of the model's training run may start its inference");
        }
        if (!trained.projectId().equals(run.projectId()) || !trained.released()) {
            throw new InferenceRunException(runId, InferenceRunException.Reason.BAD_DATA,
                    "training run " + run.trainingRunId() + " released no model of project " + run.projectId() + " here");
        }
        String requester = store.projectRequester(run.projectId()).orElse(trained.participants().hospital());
        if (!requester.equals(run.requester())) {
            throw new InferenceRunException(runId, InferenceRunException.Reason.BAD_DATA,
                    "the project names another party as the inference requester");
        }
        List<String> others = trained.participants().dataHolders().stream().filter(p -> !p.equals(requester)).sorted()
                .toList();
        if (!others.equals(run.contributors().stream().sorted().toList())) {
            throw new InferenceRunException(runId, InferenceRunException.Reason.BAD_DATA,
                    "the contributors are not the model's other data holders");
        }
        return trained;
    }

    /** Erases the keys of runs whose sum never came, and fails those runs. */
    private void expireAbandonedRequests() {
        Instant cutoff = Instant.now().minus(SUM_TIMEOUT);
        for (PendingRequest request : List.copyOf(pending.values())) {
            if (request.created().isBefore(cutoff)
                    && erase(request, "no sum arrived within " + SUM_TIMEOUT.toMinutes() + " minutes")) {
                log.warn("Inference run {}: no sum arrived within {} minutes; its key is erased", request.run().runId(),
                        SUM_TIMEOUT.toMinutes());
            }
        }
    }

    private void requireCoordinator(PendingRequest request, String caller, String why) {
        TrainedRun trained = models.run(request.run().trainingRunId()).orElseThrow();
        if (!caller.equals(trained.participants().coordinator())) {
            throw refused(request.run().runId(), caller, why);
        }
    }

    /** Erases the key of a request still awaiting its sum and fails its run; false if it no longer awaits. */
    private boolean erase(PendingRequest request, String why) {
        if (!pending.remove(request.run().runId(), request)) {
            return false;
        }
        synchronized (request) {
            request.requester().close();
        }
        store.fail(request.run().runId(), why);
        return true;
    }

    /** A party takes part in a run once: a repeated request would make it answer twice. */
    private void requireNew(RunRequest run) {
        if (store.exists(run.runId())) {
            throw new InferenceRunException(run.runId(), InferenceRunException.Reason.OUT_OF_ORDER,
                    "this party already took part in this run");
        }
    }

    /** This party's partial score of each aligned row of the run's PSI run, with its released model. */
    private double[] partialScores(RunRequest run, TrainedRun trained) {
        PartyModel model = models.ownModel(trained).orElseThrow(() -> new InferenceRunException(run.runId(),
                InferenceRunException.Reason.BAD_DATA, "no released model with its standardiser here"));
        try {
            TrainingDataSource.TrainingData data = dataSource.load(run.projectId(), run.psiRunId(), false);
            return model.partialScores(data.features());
        } catch (IllegalArgumentException e) {
            throw new InferenceRunException(run.runId(), InferenceRunException.Reason.BAD_DATA, e.getMessage(), e);
        }
    }

    private static <T> T protocol(UUID runId, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (InferenceException e) {
            throw new InferenceRunException(runId, InferenceRunException.Reason.BAD_DATA, e.getMessage(), e);
        }
    }

    private static InferenceRunException refused(UUID runId, String caller, String why) {
        log.warn("Inference run {}: refused a message from {}: {}", runId, caller, why);
        return new InferenceRunException(runId, InferenceRunException.Reason.WRONG_SENDER, why);
    }

    @Override
    public void destroy() {
        pending.values().forEach(request -> request.requester().close());
        pending.clear();
    }
}
