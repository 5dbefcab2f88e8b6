package org.genovfl.party.inference;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.web.InvalidFieldException;
import org.springframework.http.HttpStatus;
import org.genovfl.party.inference.InferenceStore.Role;
import org.genovfl.party.inference.InferenceWire.ContributionRequest;
import org.genovfl.party.inference.InferenceWire.KeysIssued;
import org.genovfl.party.inference.InferenceWire.PreflightAccepted;
import org.genovfl.party.inference.InferenceWire.RunRequest;
import org.genovfl.party.inference.InferenceWire.Scored;
import org.genovfl.party.peer.PartyClient;
import org.genovfl.party.peer.PeerCallException;
import org.genovfl.party.peer.PeerRefusals;
import org.genovfl.party.training.ReleasedModels;
import org.genovfl.party.training.ReleasedModels.TrainedRun;
import org.genovfl.vfl.inference.InferenceException;
import org.genovfl.vfl.inference.InferenceMessages;
import org.genovfl.vfl.inference.InferenceMessages.EncryptedPartialScores;
import org.genovfl.vfl.inference.InferenceMessages.EncryptedScoreSum;
import org.genovfl.vfl.inference.InferenceMessages.ScoringKeys;
import org.genovfl.vfl.inference.ScoreAggregator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * The coordinator's side of an inference run: it asks the requester the project names for
 * the run's public key, has every other data holder of the model encrypt its partial scores
 * under it, adds them without any secret key ({@link ScoreAggregator}) and delivers only the
 * sum to the requester. One thread per run; a failed step fails the run (a new run is cheap:
 * seconds, and the requester's key pair is fresh each time).
 */
@Service
public class CoordinatorInference implements DisposableBean {

    static final String PEER_BASE = "/peer/inference/runs/";

    private static final Logger log = LoggerFactory.getLogger(CoordinatorInference.class);

    private final InferenceStore store;
    private final ReleasedModels models;
    private final PartyProperties properties;
    private final PartyClient client;
    private final ExecutorService runs = Executors.newCachedThreadPool(r -> new Thread(r, "inference-run"));

    CoordinatorInference(InferenceStore store, ReleasedModels models, PartyProperties properties, PartyClient client) {
        this.store = store;
        this.models = models;
        this.properties = properties;
        this.client = client;
    }

    /**
     * Starts scoring the aligned rows of {@code psiRunId} with the model released by
     * {@code trainingRunId}, for the requester the project names (default: the hospital);
     * audited as INFERENCE_REQUESTED. Follow it with {@link #find}.
     *
     * @throws IllegalArgumentException if this party is not a coordinator, the training run is
     *     not one this coordinator completed for the project, or the requester is not one of
     *     its data holders
     */
    public InferenceRunView start(UUID projectId, UUID trainingRunId, UUID psiRunId) {
        if (properties.role() != PartyRole.COORDINATOR) {
            throw new IllegalArgumentException("only a coordinator starts inference runs; this party is a "
                    + properties.role());
        }
        TrainedRun trained = models.run(trainingRunId).filter(run -> run.role() == PartyRole.COORDINATOR)
                .orElseThrow(() -> new InvalidFieldException(HttpStatus.NOT_FOUND, "/trainingRunId",
                        "training run " + trainingRunId + " is not one this coordinator ran"));
        if (!trained.projectId().equals(projectId)) {
            throw new InvalidFieldException(HttpStatus.CONFLICT, "/trainingRunId", "training run " + trainingRunId
                    + " trained a model of another project than " + projectId);
        }
        if (!trained.released()) {
            throw new InvalidFieldException(HttpStatus.CONFLICT, "/trainingRunId", "training run " + trainingRunId
                    + " released no model (it is running or failed)");
        }
        String requester = store.projectRequester(projectId).orElse(trained.participants().hospital());
        List<String> holders = trained.participants().dataHolders();
        if (!holders.contains(requester)) {
            throw new IllegalArgumentException("the project's inference requester is not a data holder of the model");
        }
        List<String> contributors = holders.stream().filter(p -> !p.equals(requester)).toList();
        RunRequest run = new RunRequest(UUID.randomUUID(), projectId, trainingRunId, psiRunId, requester, contributors);
        preflight(run, holders);
        store.createCoordinatorRun(run);
        log.info("Inference run {} started: training run {} scores PSI run {} for the project's requester, {} "
                + "contributor(s)", run.runId(), trainingRunId, psiRunId, contributors.size());
        runs.submit(() -> drive(run));
        return find(run.runId()).orElseThrow();
    }

    /** A run this coordinator was driving when it stopped cannot go on: its thread is gone. */
    @EventListener(ApplicationReadyEvent.class)
    void failRunsInterruptedByARestart() {
        if (properties.role() == PartyRole.COORDINATOR) {
            int failed = store.failInterrupted(Role.COORDINATOR, "interrupted by a restart of the coordinator");
            if (failed > 0) {
                log.warn("{} inference run(s) were interrupted by a restart of this coordinator and are FAILED", failed);
            }
        }
    }

    public Optional<InferenceRunView> find(UUID runId) {
        return store.find(runId).filter(run -> run.role() == Role.COORDINATOR).map(InferenceRunView::of);
    }

    private void drive(RunRequest run) {
        UUID runId = run.runId();
        try {
            KeysIssued issued = call(run, run.requester(), "keys", run, KeysIssued.class);
            ScoringKeys keys = issued.keys();
            if (keys == null || !runId.equals(keys.runId()) || !run.requester().equals(keys.requester())) {
                throw new InferenceRunException(runId, InferenceRunException.Reason.PEER_FAILURE,
                        "the requester answered with the keys of another run or party");
            }
            String publicKeySha = InferenceMessages.digest(keys);
            store.setKeys(runId, keys.rowCount(), publicKeySha);
            phase(runId, "scoring");
            List<EncryptedPartialScores> partials = contributions(new ContributionRequest(run, keys,
                    issued.cohortCommitment()));
            phase(runId, "combining");
            EncryptedScoreSum sum;
            List<String> partialDigests = new ArrayList<>();
            try (ScoreAggregator aggregator = new ScoreAggregator(keys, new LinkedHashSet<>(run.contributors()))) {
                for (EncryptedPartialScores partial : partials) {
                    aggregator.add(partial);
                    partialDigests.add(InferenceMessages.digest(runId, partial.sender(), partial.rowCount(),
                            partial.ciphertexts()));
                }
                sum = aggregator.sum();
            }
            phase(runId, "delivering");
            Scored scored = call(run, run.requester(), "sum", sum, Scored.class);
            if (scored.rowCount() != keys.rowCount()) {
                throw new InferenceRunException(runId, InferenceRunException.Reason.PEER_FAILURE,
                        "the requester scored " + scored.rowCount() + " rows of " + keys.rowCount());
            }
            String sumDigest = InferenceMessages.digest(runId, run.requester(), sum.rowCount(), sum.ciphertexts());
            store.completeCoordinatorRun(run, keys.rowCount(), publicKeySha, partialDigests, sumDigest);
            log.info("Inference run {} completed: {} rows scored; only the requester holds the scores", runId,
                    keys.rowCount());
        } catch (RuntimeException e) {
            String reason = e instanceof InferenceRunException || e instanceof InferenceException ? e.getMessage()
                    : e.toString();
            log.error("Inference run {} failed: {}", runId, reason, e);
            abortAtRequester(run);
            store.fail(runId, reason);
        }
    }

    /** Every contributor's encrypted partial scores, asked for in parallel, in the run's contributor order. */
    private List<EncryptedPartialScores> contributions(ContributionRequest request) {
        RunRequest run = request.run();
        List<CompletableFuture<EncryptedPartialScores>> answers = run.contributors().stream()
                .map(contributor -> CompletableFuture.supplyAsync(
                        () -> call(run, contributor, "partial-scores", request, EncryptedPartialScores.class), runs))
                .toList();
        List<EncryptedPartialScores> partials = new ArrayList<>();
        for (int k = 0; k < answers.size(); k++) {
            EncryptedPartialScores partial;
            try {
                partial = answers.get(k).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            if (!run.contributors().get(k).equals(partial.sender())) {
                throw new InferenceRunException(run.runId(), InferenceRunException.Reason.PEER_FAILURE,
                        run.contributors().get(k) + " answered with another sender's partial scores");
            }
            partials.add(partial);
        }
        return partials;
    }

    /** Best effort: lets the requester erase the run's key now rather than at its timeout. */
    private void abortAtRequester(RunRequest run) {
        try {
            call(run, run.requester(), "abort", java.util.Map.of(), InferenceWire.Aborted.class);
        } catch (RuntimeException e) {
            log.warn("Inference run {}: the requester could not be told to erase its key: {}", run.runId(),
                    e.getMessage());
        }
    }

    /**
     * Checks on arrival, at each data holder, that the PSI run's aligned cohort can serve the
     * run there and that all hold the same cohort; a refusal is the request's problem, with
     * the data holder's status and field (404 or 409 naming /psiRunId).
     */
    private void preflight(RunRequest run, List<String> holders) {
        String commitment = null;
        for (String holder : holders) {
            PartyProperties.Peer peer = properties.peer(holder).orElseThrow(() -> new IllegalArgumentException(
                    holder + " is not a configured peer"));
            PreflightAccepted accepted;
            try {
                accepted = client.post(peer, PEER_BASE + run.runId() + "/preflight", run, PreflightAccepted.class);
            } catch (PeerCallException e) {
                throw PeerRefusals.asRequestProblem(holder, e, "/psiRunId");
            }
            if (commitment != null && !commitment.equals(accepted.cohortCommitment())) {
                throw new InvalidFieldException(HttpStatus.CONFLICT, "/psiRunId", "the data holders' aligned "
                        + "cohorts of PSI run " + run.psiRunId() + " differ: their commitments do not match");
            }
            commitment = accepted.cohortCommitment();
        }
    }

    private void phase(UUID runId, String phase) {
        store.setPhase(runId, phase);
    }

    private <T> T call(RunRequest run, String organisation, String step, Object body, Class<T> answer) {
        UUID runId = run.runId();
        PartyProperties.Peer peer = properties.peer(organisation).orElseThrow(() -> new InferenceRunException(runId, InferenceRunException.Reason.BAD_DATA,
                        organisation + " is not a configured peer"));
        try {
            return client.post(peer, PEER_BASE + runId + "/" + step, body, answer);
        } catch (PeerCallException e) {
            throw new InferenceRunException(runId, InferenceRunException.Reason.PEER_FAILURE,
                    step + " at " + organisation + " failed: " + e.problem().getDetail(), e);
        }
    }

    @Override
    public void destroy() {
        runs.shutdownNow();
    }
}
