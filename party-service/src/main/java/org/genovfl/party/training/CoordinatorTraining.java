package org.genovfl.party.training;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.peer.PartyClient;
import org.genovfl.party.peer.PeerCallException;
import org.genovfl.party.peer.PeerRefusals;
import org.genovfl.party.training.TrainingStore.EpochRecord;
import org.genovfl.party.training.TrainingStore.StoredRun;
import org.genovfl.party.training.TrainingWire.DecisionApplied;
import org.genovfl.party.training.TrainingWire.TestRequest;
import org.genovfl.party.web.InvalidFieldException;
import org.genovfl.vfl.StepSize;
import org.genovfl.vfl.protocol.Messages.TestReport;
import org.springframework.http.HttpStatus;
import org.genovfl.party.training.TrainingWire.DecisionDelivery;
import org.genovfl.party.training.TrainingWire.Participants;
import org.genovfl.party.training.TrainingWire.RoundDone;
import org.genovfl.party.training.TrainingWire.RoundRequest;
import org.genovfl.party.training.TrainingWire.Setup;
import org.genovfl.party.training.TrainingWire.SetupAccepted;
import org.genovfl.party.training.TrainingWire.ValidationOutcome;
import org.genovfl.party.training.TrainingWire.ValidationRequest;
import org.genovfl.vfl.CohortSplit;
import org.genovfl.vfl.TrainingConfig;
import org.genovfl.vfl.protocol.Coordinator;
import org.genovfl.vfl.protocol.Messages;
import org.genovfl.vfl.protocol.Messages.EpochDecision;
import org.genovfl.vfl.protocol.Messages.MaskedGradient;
import org.genovfl.vfl.protocol.Messages.MaskedScores;
import org.genovfl.vfl.protocol.Messages.MaskedValues;
import org.genovfl.vfl.protocol.Messages.ValidationReport;
import org.genovfl.vfl.protocol.RoundId;
import org.genovfl.vfl.protocol.TrainingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The coordinator's side of a training run: it makes the run's keys, sends the setup,
 * drives every round through the hospital in the order of
 * {@link org.genovfl.vfl.LocalTrainingRun}, decrypts masked messages only, decides when to
 * stop, and logs and audits each step. One thread per run.
 *
 * <p>Failures of a peer are retried on the same round, with backoff, for
 * {@code genovfl.training.retry-window} (default 5 minutes): rounds are idempotent (see
 * {@link DataHolderTraining}), so a party that is killed and restarted within that window
 * lets the run resume. A coordinator restarted mid-run resumes its unfinished runs from the
 * secret key, round log and epoch decisions in its database.
 */
@Service
public class CoordinatorTraining implements DisposableBean {

    /** The slot layout's features per block: 16 fits the 15 + intercept columns of the test cohorts and is the documented default. */
    static final int FEATURES_PER_BLOCK = 16;

    private static final Logger log = LoggerFactory.getLogger(CoordinatorTraining.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final TrainingStore store;
    private final PartyProperties properties;
    private final PartyClient client;
    private final JdbcClient jdbc;
    private final Duration retryWindow;
    private final Map<UUID, ActiveRun> active = new ConcurrentHashMap<>();
    private final ExecutorService runs = Executors.newCachedThreadPool(r -> new Thread(r, "training-run"));
    private volatile boolean stopping;

    CoordinatorTraining(TrainingStore store, PartyProperties properties, PartyClient client, JdbcClient jdbc,
            @Value("${genovfl.training.retry-window:5m}") Duration retryWindow) {
        this.store = store;
        this.properties = properties;
        this.client = client;
        this.jdbc = jdbc;
        this.retryWindow = retryWindow;
    }

    /** A run this coordinator is driving, with its live progress. */
    private static final class ActiveRun {
        final Setup setup;
        final Coordinator coordinator;
        /** Digests of the masked gradients decrypted in the open round, by sender. */
        final Map<String, String> decrypted = new ConcurrentHashMap<>();
        volatile int epoch;
        volatile int batch = -1;
        volatile int roundsCompleted;
        volatile String phase = "setup";

        ActiveRun(Setup setup, Coordinator coordinator) {
            this.setup = setup;
            this.coordinator = coordinator;
        }

        UUID runId() {
            return setup.runId();
        }
    }

    /**
     * Starts a run: makes a fresh key set, records it (audited as KEY_SETUP) and drives the
     * run on its own thread. Follow it with {@link #find}.
     *
     * @throws IllegalArgumentException if this party is not a coordinator, the project is
     *     unknown here, or no hospital and lab are configured
     */
    public TrainingRunView start(UUID projectId, UUID psiRunId, TrainingConfig requested) {
        if (properties.role() != PartyRole.COORDINATOR) {
            throw new IllegalArgumentException("only a coordinator starts training runs; this party is a "
                    + properties.role());
        }
        boolean known = jdbc.sql("SELECT count(*) FROM project WHERE id = ?").param(projectId).query(Long.class)
                .single() == 1;
        if (!known) {
            throw new InvalidFieldException(HttpStatus.NOT_FOUND, "/projectId",
                    "no project " + projectId + " is known to this coordinator");
        }
        List<String> hospitals = peersOf(PartyRole.HOSPITAL);
        List<String> labs = peersOf(PartyRole.LAB);
        if (hospitals.size() != 1 || labs.isEmpty()) {
            throw new IllegalArgumentException("a run needs exactly one configured hospital and at least one lab; "
                    + "configured: " + hospitals.size() + " hospital(s), " + labs.size() + " lab(s)");
        }
        TrainingConfig config = preflight(projectId, psiRunId, requested, hospitals.get(0), labs);
        Participants participants = new Participants(hospitals.get(0), labs, properties.organisation());
        Set<String> holders = new LinkedHashSet<>();
        holders.add(participants.hospital());
        holders.addAll(labs);
        UUID runId = UUID.randomUUID();
        Coordinator coordinator = new Coordinator(runId, config, participants.hospital(), holders, FEATURES_PER_BLOCK);
        try {
            Setup setup = new Setup(runId, projectId, psiRunId, config, coordinator.keySetup(), participants);
            store.createCoordinatorRun(setup, coordinator.exportSecretKey());
            ActiveRun run = new ActiveRun(setup, coordinator);
            active.put(runId, run);
            log.info("Training run {} started for project {} (PSI run {}): {} and {} lab(s), seed {}, batch size {}, "
                    + "at most {} epochs", runId, projectId, psiRunId, participants.hospital(), labs.size(),
                    config.seed(), config.batchSize(), config.maxEpochs());
            runs.submit(() -> drive(run, List.of()));
        } catch (RuntimeException e) {
            coordinator.close();
            throw e;
        }
        return find(runId).orElseThrow();
    }

    /**
     * Asks every data holder, before answering the request, whether it can serve the run
     * (project and PSI run known and completed there, columns readable, both classes in every
     * split), and derives the learning rate from their local eigenvalue bounds when the study
     * left it to the data.
     *
     * @throws InvalidFieldException with the data holder's status and field (404 unknown
     *     project or PSI run, 409 PSI run not usable, 422 data that cannot serve the run)
     */
    private TrainingConfig preflight(UUID projectId, UUID psiRunId, TrainingConfig config, String hospital,
            List<String> labs) {
        List<String> holders = new ArrayList<>();
        holders.add(hospital);
        holders.addAll(labs);
        double bound = 0;
        Integer cohortSize = null;
        for (String holder : holders) {
            PartyProperties.Peer peer = properties.peer(holder).orElseThrow();
            TrainingWire.PreflightAccepted accepted;
            try {
                accepted = client.post(peer, "/peer/training/preflight",
                        new TrainingWire.Preflight(projectId, psiRunId, config), TrainingWire.PreflightAccepted.class);
            } catch (PeerCallException e) {
                throw PeerRefusals.asRequestProblem(holder, e, "/psiRunId");
            }
            if (cohortSize != null && cohortSize != accepted.cohortSize()) {
                throw new InvalidFieldException(HttpStatus.CONFLICT, "/psiRunId", "the parties' aligned cohorts of "
                        + "this PSI run differ in size: " + cohortSize + " and " + accepted.cohortSize());
            }
            cohortSize = accepted.cohortSize();
            bound += accepted.eigenvalueBound();
        }
        if (config.hasLearningRate()) {
            return config;
        }
        double rate = StepSize.learningRate(bound, config.l2());
        log.info("Learning rate derived from the data: 1 / (bound {} / 4 + l2 {}) = {}", DataHolderTraining.fmt(bound),
                config.l2(), DataHolderTraining.fmt(rate));
        return config.withLearningRate(rate);
    }

    /** Resumes the runs this coordinator was driving when it stopped. */
    @EventListener(ApplicationReadyEvent.class)
    void resumeUnfinished() {
        if (properties.role() != PartyRole.COORDINATOR) {
            return;
        }
        for (UUID runId : store.unfinishedCoordinatorRuns()) {
            try {
                resume(runId);
            } catch (RuntimeException e) {
                log.error("Training run {} cannot resume: {}", runId, e.toString(), e);
                store.fail(runId, "cannot resume after a restart: " + e.getMessage());
            }
        }
    }

    private void resume(UUID runId) {
        StoredRun stored = store.find(runId).orElseThrow();
        if (stored.secretKey() == null) {
            throw new IllegalStateException("the run's secret key is gone");
        }
        Set<String> holders = new LinkedHashSet<>();
        holders.add(stored.participants().hospital());
        holders.addAll(stored.participants().labs());
        Coordinator coordinator = Coordinator.resume(runId, stored.config(), stored.participants().hospital(),
                holders, stored.decodedKeySetup(), stored.secretKey());
        List<EpochRecord> recorded = store.epochs(runId);
        List<EpochRecord> epochs = new ArrayList<>();
        try {
            // The decisions as the coordinator took them (with the released epoch), from the reports.
            List<EpochDecision> decisions = coordinator.restoreHistory(recorded.stream().map(EpochRecord::report).toList());
            for (int i = 0; i < recorded.size(); i++) {
                EpochRecord e = recorded.get(i);
                epochs.add(new EpochRecord(e.epoch(), e.report(), e.aucLower(), e.aucUpper(), decisions.get(i)));
            }
        } catch (RuntimeException e) {
            coordinator.close();
            throw e;
        }
        ActiveRun run = new ActiveRun(new Setup(runId, stored.projectId(), stored.psiRunId(), stored.config(),
                stored.decodedKeySetup(), stored.participants()), coordinator);
        active.put(runId, run);
        log.info("Training run {} resumes after a restart of this coordinator ({} epochs decided, {} rounds logged)",
                runId, epochs.size(), store.lastRecordedRound(runId) + 1);
        runs.submit(() -> drive(run, epochs));
    }

    /** The run with its live progress. */
    public Optional<TrainingRunView> find(UUID runId) {
        return store.findWithoutKeys(runId).filter(run -> run.role() == PartyRole.COORDINATOR).map(run -> {
            ActiveRun live = active.get(runId);
            int rounds = live != null ? live.roundsCompleted : store.lastRecordedRound(runId) + 1;
            Integer epoch = live != null ? Integer.valueOf(live.epoch) : null;
            Integer batch = live != null && live.batch >= 0 ? Integer.valueOf(live.batch) : null;
            String phase = live != null ? live.phase : null;
            return TrainingRunView.ofCoordinator(run, phase, epoch, batch, rounds, store.epochs(runId),
                    store.modelSha256(runId).orElse(null), store.modelReport(runId).orElse(Map.of()));
        });
    }

    // ---- the run loop --------------------------------------------------------------------------

    private void drive(ActiveRun run, List<EpochRecord> decided) {
        UUID runId = run.runId();
        try {
            int cohortSize = deliverSetup(run);
            CohortSplit split = CohortSplit.of(cohortSize, run.setup.config());
            int batches = split.batchesPerEpoch();
            int lastLogged = store.lastRecordedRound(runId);
            run.roundsCompleted = lastLogged + 1;
            for (int epoch = 0; ; epoch++) {
                run.epoch = epoch;
                for (int batch = 0; batch < batches; batch++) {
                    int roundIndex = epoch * batches + batch;
                    if (roundIndex > lastLogged) {
                        run.batch = batch;
                        runRound(run, roundIndex, new RoundId(runId, epoch, batch));
                    }
                }
                int lastRound = (epoch + 1) * batches - 1;
                EpochRecord record;
                if (epoch < decided.size()) {
                    record = decided.get(epoch);
                    if (lastLogged > lastRound) {
                        continue; // delivered before the restart: later rounds were logged
                    }
                } else {
                    record = validate(run, epoch, lastRound);
                }
                Map<String, String> released = deliverDecision(run, record.decision(), lastRound);
                if (record.decision().failed()) {
                    log.error("Training run {} failed: {}", runId, record.decision().reason());
                    store.fail(runId, record.decision().reason());
                    return;
                }
                if (record.decision().stop()) {
                    release(run, record, released, test(run, record.decision()));
                    return;
                }
            }
        } catch (RuntimeException e) {
            String reason = e instanceof TrainingRunException ? e.getMessage() : e.toString();
            if (stopping) {
                log.info("Training run {} paused by shutdown; it resumes when this coordinator starts again", runId);
            } else {
                log.error("Training run {} failed: {}", runId, reason, e);
                store.fail(runId, reason);
            }
        } finally {
            active.remove(runId);
            synchronized (run) {
                run.coordinator.close();
            }
        }
    }

    private int deliverSetup(ActiveRun run) {
        run.phase = "setup";
        Participants participants = run.setup.participants();
        List<String> holders = new ArrayList<>();
        holders.add(participants.hospital());
        holders.addAll(participants.labs());
        // In parallel: each data holder spends seconds loading the keys and its own data.
        List<java.util.concurrent.CompletableFuture<SetupAccepted>> answers = holders.stream()
                .map(holder -> java.util.concurrent.CompletableFuture.supplyAsync(() -> withRetry(run,
                        "setup at " + holder, () -> call(run, holder, "setup", run.setup, SetupAccepted.class)), runs))
                .toList();
        Integer cohortSize = null;
        String cohortCommitment = null;
        for (var answer : answers) {
            SetupAccepted accepted;
            try {
                accepted = answer.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            if (cohortSize != null && cohortSize != accepted.cohortSize()) {
                throw new TrainingRunException(run.runId(), TrainingRunException.Reason.BAD_DATA,
                        "the parties' aligned cohorts differ in size: " + cohortSize + " and " + accepted.cohortSize());
            }
            if (cohortSize != null && !java.util.Objects.equals(cohortCommitment, accepted.cohortCommitment())) {
                throw new TrainingRunException(run.runId(), TrainingRunException.Reason.BAD_DATA,
                        "the parties hold different aligned cohorts: their PSI commitments differ");
            }
            cohortSize = accepted.cohortSize();
            cohortCommitment = accepted.cohortCommitment();
        }
        store.setCohort(run.runId(), cohortSize, cohortCommitment);
        log.info("Training run {}: every data holder accepted the setup; aligned cohort of {} patients", run.runId(),
                cohortSize);
        return cohortSize;
    }

    private void runRound(ActiveRun run, int roundIndex, RoundId round) {
        run.phase = "training";
        RoundDone done = withRetry(run, "round " + roundIndex, () -> {
            synchronized (run) {
                run.coordinator.beginRound(round);
                run.decrypted.clear();
            }
            return call(run, run.setup.participants().hospital(), "rounds", new RoundRequest(roundIndex, round),
                    RoundDone.class);
        });
        if (done.roundIndex() != roundIndex) {
            throw new TrainingRunException(run.runId(), TrainingRunException.Reason.PEER_FAILURE,
                    "the hospital confirmed round " + done.roundIndex() + " instead of " + roundIndex);
        }
        checkDigest(run, done, "gradient.hospital", run.setup.participants().hospital());
        List<String> labs = run.setup.participants().labs();
        for (int k = 0; k < labs.size(); k++) {
            checkDigest(run, done, "gradient." + k, labs.get(k));
        }
        store.recordRound(run.setup.projectId(), run.runId(), roundIndex, round, done.digests());
        run.roundsCompleted = roundIndex + 1;
        log.info("Training run {} round {} done (epoch {} batch {})", run.runId(), roundIndex, round.epoch(),
                round.batch());
    }

    /** The gradient digests the hospital reports must be those of the messages this coordinator decrypted. */
    private static void checkDigest(ActiveRun run, RoundDone done, String key, String sender) {
        String decrypted = run.decrypted.get(sender);
        if (decrypted == null || !decrypted.equals(done.digests().get(key))) {
            throw new TrainingRunException(run.runId(), TrainingRunException.Reason.PEER_FAILURE,
                    "the round's confirmation names a gradient of " + sender + " this coordinator did not decrypt");
        }
    }

    private EpochRecord validate(ActiveRun run, int epoch, int lastRound) {
        run.phase = "validation";
        RoundId round = RoundId.validation(run.runId(), epoch);
        ValidationOutcome outcome = withRetry(run, "validation of epoch " + epoch, () -> {
            synchronized (run) {
                run.coordinator.beginRound(round);
            }
            return call(run, run.setup.participants().hospital(), "validation",
                    new ValidationRequest(lastRound, round), ValidationOutcome.class);
        });
        ValidationReport report = outcome.report();
        if (!round.equals(report.round())) {
            throw new TrainingRunException(run.runId(), TrainingRunException.Reason.PEER_FAILURE,
                    "the hospital reported on " + report.round() + " instead of " + round);
        }
        EpochDecision decision;
        synchronized (run) {
            decision = run.coordinator.decide(report);
        }
        EpochRecord record = new EpochRecord(epoch, report, outcome.aucLower(), outcome.aucUpper(), decision);
        store.recordEpoch(run.setup.projectId(), run.runId(), record);
        log.info("Training run {} epoch {}: validation AUC {}, log-loss {}, accuracy {}; {}", run.runId(), epoch,
                DataHolderTraining.fmt(report.auc()), DataHolderTraining.fmt(report.logLoss()),
                DataHolderTraining.fmt(report.accuracy()),
                decision.stop() ? "stop (" + decision.reason() + "), best epoch " + decision.bestEpoch() : "continue");
        return record;
    }

    /** Sends the decision to every data holder; returns the coefficient hashes they released, if it stops. */
    private Map<String, String> deliverDecision(ActiveRun run, EpochDecision decision, int lastRound) {
        run.phase = "decision";
        Participants participants = run.setup.participants();
        List<String> holders = new ArrayList<>();
        holders.add(participants.hospital());
        holders.addAll(participants.labs());
        Map<String, String> released = new LinkedHashMap<>();
        for (String holder : holders) {
            DecisionApplied applied = withRetry(run, "decision of epoch " + decision.round().epoch() + " at " + holder,
                    () -> call(run, holder, "decision", new DecisionDelivery(lastRound, decision), DecisionApplied.class));
            if (decision.stop() && !decision.failed()) {
                if (applied.coefficientsSha256() == null) {
                    throw new TrainingRunException(run.runId(), TrainingRunException.Reason.PEER_FAILURE,
                            holder + " did not release its coefficients");
                }
                released.put(holder, applied.coefficientsSha256());
            }
        }
        return released;
    }

    /**
     * The released model measured once on the test rows, through the hospital (null when the
     * study asked for no test rows). Retried like a round: the hospital and labs score from
     * their released models, and this coordinator decrypts the masked sum once.
     */
    private TestReport test(ActiveRun run, EpochDecision decision) {
        if (run.setup.config().testFraction() == 0) {
            return null;
        }
        run.phase = "test";
        RoundId round = RoundId.test(run.runId(), decision.releasedEpoch());
        return withRetry(run, "test of the released model", () -> call(run, run.setup.participants().hospital(),
                "test", new TestRequest(round), TestReport.class));
    }

    private void release(ActiveRun run, EpochRecord last, Map<String, String> released, TestReport test) {
        run.phase = "released";
        int best = last.decision().bestEpoch();
        int releasedEpoch = last.decision().releasedEpoch();
        List<EpochRecord> epochs = store.epochs(run.runId());
        EpochRecord releasedRecord = epochs.stream().filter(e -> e.epoch() == releasedEpoch).findFirst().orElse(last);
        Map<String, Object> report = new TreeMap<>();
        report.put("bestEpoch", best);
        report.put("releasedEpoch", releasedEpoch);
        report.put("releasePolicy", run.setup.config().releasePolicy().name());
        report.put("validationAuc", releasedRecord.report().auc());
        report.put("validationAucLower", releasedRecord.aucLower());
        report.put("validationAucUpper", releasedRecord.aucUpper());
        report.put("validationLogLoss", releasedRecord.report().logLoss());
        report.put("stopReason", last.decision().reason());
        if (test != null) {
            report.put("test", test);
        }
        store.releaseHashes(run.setup.projectId(), run.runId(), released, releasedEpoch, report);
        log.info("Training run {} completed: released epoch {} (best {}) with validation AUC {}{}; "
                + "each party keeps its own coefficients, this coordinator their hashes; secret key erased",
                run.runId(), releasedEpoch, best, DataHolderTraining.fmt(releasedRecord.report().auc()),
                test == null ? "" : ", test AUC " + DataHolderTraining.fmt(test.auc()) + " (95% CI "
                        + DataHolderTraining.fmt(test.aucLower()) + " to " + DataHolderTraining.fmt(test.aucUpper()) + ")");
    }

    // ---- decryption (peer API) ---------------------------------------------------------------

    /** Decrypts a data holder's masked gradient of the open round, once, for that data holder only. */
    MaskedValues decrypt(String caller, UUID runId, MaskedGradient gradient) {
        ActiveRun run = activeRun(runId, gradient.round());
        if (!run.setup.participants().isDataHolder(caller)) {
            throw refused(runId, caller, "only a data holder of the run may ask for a decryption");
        }
        if (!caller.equals(gradient.sender())) {
            throw refused(runId, caller, "a party may only have its own gradient decrypted");
        }
        synchronized (run) {
            MaskedValues values = protocol(runId, () -> run.coordinator.decrypt(gradient));
            run.decrypted.put(caller, Messages.digest(gradient.round(), gradient.sender(), gradient.ciphertexts()));
            return values;
        }
    }

    /** Decrypts the hospital's masked validation scores of the open validation, once. */
    MaskedValues decrypt(String caller, UUID runId, MaskedScores scores) {
        ActiveRun run = activeRun(runId, scores.round());
        if (!caller.equals(run.setup.participants().hospital())) {
            throw refused(runId, caller, "only the hospital may ask for validation scores to be decrypted");
        }
        synchronized (run) {
            return protocol(runId, () -> run.coordinator.decrypt(scores));
        }
    }

    /** Decrypts the hospital's masked test scores under the released model, once. */
    MaskedValues decryptTest(String caller, UUID runId, MaskedScores scores) {
        ActiveRun run = activeRun(runId, scores.round());
        if (!caller.equals(run.setup.participants().hospital())) {
            throw refused(runId, caller, "only the hospital may ask for test scores to be decrypted");
        }
        synchronized (run) {
            return protocol(runId, () -> run.coordinator.decryptTest(scores));
        }
    }

    private ActiveRun activeRun(UUID runId, RoundId round) {
        if (round == null || !round.runId().equals(runId)) {
            throw new TrainingRunException(runId, TrainingRunException.Reason.OUT_OF_ORDER,
                    "the message belongs to another run");
        }
        ActiveRun run = active.get(runId);
        if (run == null) {
            throw new TrainingRunException(runId, TrainingRunException.Reason.OUT_OF_ORDER,
                    "no round of this run is open at this coordinator");
        }
        return run;
    }

    // ---- helpers -----------------------------------------------------------------------------

    private <T> T withRetry(ActiveRun run, String step, Supplier<T> call) {
        Instant deadline = Instant.now().plus(retryWindow);
        Duration backoff = Duration.ofMillis(500);
        for (int attempt = 1; ; attempt++) {
            if (stopping) {
                throw new TrainingRunException(run.runId(), TrainingRunException.Reason.PEER_FAILURE,
                        "this coordinator is shutting down");
            }
            try {
                return call.get();
            } catch (TrainingRunException e) {
                boolean retryable = e.reason() == TrainingRunException.Reason.PEER_FAILURE
                        || e.reason() == TrainingRunException.Reason.OUT_OF_ORDER;
                if (!retryable || Instant.now().plus(backoff).isAfter(deadline)) {
                    throw e;
                }
                log.warn("Training run {}: {} failed (attempt {}: {}); retrying in {} ms", run.runId(), step, attempt,
                        e.getMessage(), backoff.toMillis());
            }
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TrainingRunException(run.runId(), TrainingRunException.Reason.PEER_FAILURE, "interrupted");
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** Calls a data holder; its refusals keep their reason (4xx other than 409 are not retried). */
    private <T> T call(ActiveRun run, String organisation, String step, Object body, Class<T> answer) {
        UUID runId = run.runId();
        PartyProperties.Peer peer = properties.peer(organisation).orElseThrow(() -> new TrainingRunException(runId, TrainingRunException.Reason.BAD_DATA,
                        organisation + " is not a configured peer"));
        try {
            return client.post(peer, DataHolderTraining.PEER_BASE + runId + "/" + step, body, answer);
        } catch (PeerCallException e) {
            throw new TrainingRunException(runId, PeerRefusals.reasonOf(e), step + " at " + organisation + " failed: "
                    + e.problem().getDetail(), e);
        }
    }

    private List<String> peersOf(PartyRole role) {
        return properties.peers().stream().filter(p -> p.role() == role).map(PartyProperties.Peer::organisation).toList();
    }

    private static <T> T protocol(UUID runId, Supplier<T> step) {
        try {
            return step.get();
        } catch (TrainingException e) {
            throw new TrainingRunException(runId, TrainingRunException.Reason.OUT_OF_ORDER, e.getMessage(), e);
        }
    }

    private static TrainingRunException refused(UUID runId, String caller, String why) {
        log.warn("Training run {}: refused a decryption request from {}: {}", runId, caller, why);
        return new TrainingRunException(runId, TrainingRunException.Reason.WRONG_SENDER, why);
    }

    @Override
    public void destroy() {
        stopping = true;
        runs.shutdownNow();
    }
}
