package org.genovfl.party.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.genovfl.party.config.PartyProperties;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.peer.PartyClient;
import org.genovfl.party.peer.PeerCallException;
import org.genovfl.party.training.TrainingDataSource.TrainingData;
import org.genovfl.party.training.TrainingStore.StoredCheckpoint;
import org.genovfl.party.training.TrainingStore.StoredRun;
import org.genovfl.party.project.ProjectColumns;
import org.genovfl.party.training.TrainingWire.DecisionApplied;
import org.genovfl.party.training.TrainingWire.Preflight;
import org.genovfl.party.training.TrainingWire.PreflightAccepted;
import org.genovfl.party.training.TrainingWire.TestRequest;
import org.genovfl.party.web.InvalidFieldException;
import org.genovfl.vfl.StepSize;
import org.genovfl.vfl.he.RunKeys;
import org.genovfl.vfl.protocol.Messages.TestReport;
import org.genovfl.vfl.protocol.TestEvaluation;
import org.springframework.http.HttpStatus;
import org.genovfl.party.training.TrainingWire.DecisionDelivery;
import org.genovfl.party.training.TrainingWire.LabRoundDone;
import org.genovfl.party.training.TrainingWire.Participants;
import org.genovfl.party.training.TrainingWire.ResidualsDelivery;
import org.genovfl.party.training.TrainingWire.RoundDone;
import org.genovfl.party.training.TrainingWire.RoundRequest;
import org.genovfl.party.training.TrainingWire.Setup;
import org.genovfl.party.training.TrainingWire.SetupAccepted;
import org.genovfl.party.training.TrainingWire.ValidationOutcome;
import org.genovfl.party.training.TrainingWire.ValidationRequest;
import org.genovfl.vfl.CohortSplit;
import org.genovfl.vfl.inference.PartyModel;
import org.genovfl.vfl.math.Metrics;
import org.genovfl.vfl.protocol.FeatureHolder;
import org.genovfl.vfl.protocol.LabelHolder;
import org.genovfl.vfl.protocol.Messages;
import org.genovfl.vfl.protocol.Messages.EncryptedResiduals;
import org.genovfl.vfl.protocol.Messages.EncryptedScores;
import org.genovfl.vfl.protocol.Messages.MaskedGradient;
import org.genovfl.vfl.protocol.Messages.MaskedScores;
import org.genovfl.vfl.protocol.Messages.MaskedValues;
import org.genovfl.vfl.protocol.Messages.ValidationReport;
import org.genovfl.vfl.protocol.RoundId;
import org.genovfl.vfl.protocol.TrainingCheckpoint;
import org.genovfl.vfl.protocol.TrainingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * The hospital's and the labs' side of a training run, driven by the coordinator's and the
 * hospital's calls to the peer API. The roles' protocol logic is
 * {@link LabelHolder}/{@link FeatureHolder}; this class moves their messages over mutual
 * TLS, checks that each message comes from the party the protocol expects, and makes
 * rounds durable and idempotent:
 * <ul>
 * <li>after applying round r, the party commits its checkpoint r before it confirms;</li>
 * <li>a request for round r finds the party at r - 1 (it proceeds) or at r (the coordinator
 *     never got the confirmation: it restores checkpoint r - 1 and redoes r);</li>
 * <li>a restarted party reloads a run (setup, own data, latest checkpoint) when the next
 *     message for it arrives.</li>
 * </ul>
 * Logs name runs and rounds only.
 */
@Service
public class DataHolderTraining implements DisposableBean {

    static final String PEER_BASE = "/peer/training/runs/";

    private static final Logger log = LoggerFactory.getLogger(DataHolderTraining.class);

    private final TrainingStore store;
    private final TrainingDataSource dataSource;
    private final PartyProperties properties;
    private final PartyClient client;
    private final ApplicationEventPublisher events;
    private final ProjectColumns columns;
    private final Map<UUID, Session> sessions = new ConcurrentHashMap<>();
    /**
     * The hospital's test report per run. The coordinator decrypts test scores only once, so a
     * coordinator that retries the test step (its call timed out while this party was still
     * scoring) must get the first report again rather than start a second measurement.
     */
    private final Map<UUID, TestReport> testReports = new ConcurrentHashMap<>();
    private final Map<UUID, Object> testLocks = new ConcurrentHashMap<>();

    DataHolderTraining(TrainingStore store, TrainingDataSource dataSource, PartyProperties properties,
            PartyClient client, ApplicationEventPublisher events, ProjectColumns columns) {
        this.columns = columns;
        this.store = store;
        this.dataSource = dataSource;
        this.properties = properties;
        this.client = client;
        this.events = events;
    }

    /** A run loaded in memory: the party's role object and where it stands. */
    private final class Session implements AutoCloseable {
        final StoredRun run;
        final TrainingData data;
        final int batchesPerEpoch;
        LabelHolder hospital;
        FeatureHolder lab;
        /** Global index of the last round whose checkpoint is committed; -1 before the first. */
        int appliedRound = -1;
        /** False once a round started changing the role object and until its checkpoint is committed. */
        boolean clean = true;

        Session(StoredRun run, TrainingData data) {
            this.run = run;
            this.data = data;
            this.batchesPerEpoch = CohortSplit.of(data.rows(), run.config()).batchesPerEpoch();
            build();
        }

        void build() {
            close();
            if (run.role() == PartyRole.HOSPITAL) {
                hospital = new LabelHolder(properties.organisation(), data.features(), data.labels(),
                        run.participants().labs().size(), run.config(), run.decodedKeySetup());
            } else {
                lab = new FeatureHolder(properties.organisation(), data.features(), run.config(), run.decodedKeySetup());
            }
            appliedRound = -1;
            clean = true;
        }

        void restore(StoredCheckpoint checkpoint) {
            TrainingCheckpoint state = TrainingCheckpoint.fromBytes(checkpoint.state());
            if (hospital != null) {
                hospital.restore(state);
            } else {
                lab.restore(state);
            }
            appliedRound = checkpoint.roundIndex();
            clean = true;
        }

        TrainingCheckpoint checkpoint(RoundId completed) {
            return hospital != null ? hospital.checkpoint(completed) : lab.checkpoint(completed);
        }

        RoundId roundOf(int roundIndex) {
            return new RoundId(run.runId(), roundIndex / batchesPerEpoch, roundIndex % batchesPerEpoch);
        }

        @Override
        public void close() {
            if (hospital != null) {
                hospital.close();
                hospital = null;
            }
            if (lab != null) {
                lab.close();
                lab = null;
            }
        }
    }

    // ---- preflight (coordinator → hospital, labs, before a run exists) ------------------------------

    /**
     * Checks, before the coordinator answers the people's request to start a run, that this
     * party can serve it: the project registered here, the PSI run known, of that project and
     * COMPLETED, its columns readable, the split possible and (hospital) both classes of the
     * label present in the training, validation and test rows. Answers the local eigenvalue
     * bound when the learning rate is left to the data. Stores nothing.
     *
     * @throws InvalidFieldException naming the request field at fault: 404 for an unknown
     *     project or PSI run, 409 for a PSI run of another project or not completed, 422 when
     *     the data cannot serve the run
     */
    PreflightAccepted preflight(String caller, Preflight request) {
        if (roleOf(caller) != PartyRole.COORDINATOR) {
            throw new org.springframework.security.access.AccessDeniedException(
                    "only a coordinator asks whether a run can start");
        }
        boolean hospital = properties.role() == PartyRole.HOSPITAL;
        store.checkReferences(request.projectId(), request.psiRunId(), properties.organisation());
        TrainingData data = loadForPreflight(request, hospital);
        CohortSplit split;
        try {
            split = CohortSplit.of(data.rows(), request.config());
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(HttpStatus.UNPROCESSABLE_ENTITY, "/validationFraction",
                    e.getMessage());
        }
        if (hospital) {
            requireBothClasses(data.labels(), split);
        }
        double bound = request.config().hasLearningRate() ? Double.NaN
                : StepSize.localBound(data.features(), hospital, request.config());
        return new PreflightAccepted(data.rows(), bound);
    }

    private TrainingData loadForPreflight(Preflight request, boolean hospital) {
        try {
            return dataSource.load(request.projectId(), request.psiRunId(), hospital);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(HttpStatus.UNPROCESSABLE_ENTITY, "/projectId",
                    properties.organisation() + " cannot read its columns: " + e.getMessage());
        }
    }

    /** Every split needs both classes: AUC, early stopping and the test report are meaningless otherwise. */
    private void requireBothClasses(double[] labels, CohortSplit split) {
        List<InvalidFieldException.FieldError> errors = new ArrayList<>();
        Map<String, int[]> splits = new java.util.LinkedHashMap<>();
        splits.put("training", split.training());
        splits.put("validation", split.validation());
        if (split.test().length > 0) {
            splits.put("test", split.test());
        }
        for (Map.Entry<String, int[]> rows : splits.entrySet()) {
            long positives = java.util.Arrays.stream(rows.getValue()).filter(r -> labels[r] == 1.0).count();
            long negatives = rows.getValue().length - positives;
            if (positives == 0 || negatives == 0) {
                errors.add(new InvalidFieldException.FieldError("/projectId", "the " + rows.getKey() + " rows at "
                        + properties.organisation() + " hold " + positives + " patient(s) with the label and "
                        + negatives + " without; both classes are needed in the training, validation and test rows"));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidFieldException(HttpStatus.UNPROCESSABLE_ENTITY, errors);
        }
    }

    // ---- the released model on the test rows (after training stopped) ---------------------------

    /** Hospital: scores the test rows with the released model, with the labs and the coordinator, once. */
    TestReport test(String caller, UUID runId, TestRequest request) {
        StoredRun stored = releasedRun(runId, caller, PartyRole.HOSPITAL, Participants::coordinator, request);
        synchronized (testLocks.computeIfAbsent(runId, id -> new Object())) {
            TestReport earlier = testReports.get(runId);
            if (earlier != null) {
                log.info("Training run {}: the coordinator asked again for the test report; answering the first",
                        runId);
                return earlier;
            }
            TestReport report = measureTest(stored, runId, request);
            testReports.put(runId, report);
            return report;
        }
    }

    private TestReport measureTest(StoredRun stored, UUID runId, TestRequest request) {
        PartyModel model = store.releasedModel(runId, true).orElseThrow(() -> new TrainingRunException(runId,
                TrainingRunException.Reason.OUT_OF_ORDER, "no model released here"));
        TrainingData data = loadReleased(stored, true);
        try (RunKeys keys = RunKeys.load(stored.decodedKeySetup())) {
            List<EncryptedScores> scores = new ArrayList<>();
            for (String lab : stored.participants().labs()) {
                scores.add(labScores(runId, lab, "test-scores", request, request.round()));
            }
            TestEvaluation evaluation = protocol(request.round(), () -> new TestEvaluation(request.round(), model,
                    data.features(), data.labels(), stored.participants().labs().size(), stored.config(), keys));
            MaskedScores masked = protocol(request.round(), () -> evaluation.maskedScores(scores));
            MaskedValues values = call(runId, stored.participants().coordinator(), "test-decrypt", masked,
                    MaskedValues.class);
            TestReport report = protocol(request.round(), () -> evaluation.report(values));
            log.info("Training run {}: released model (epoch {}) on {} test rows: AUC {} (95% CI {} to {}), "
                    + "log-loss {}, calibration slope {}", runId, request.round().epoch(), report.patients(),
                    fmt(report.auc()), fmt(report.aucLower()), fmt(report.aucUpper()), fmt(report.logLoss()),
                    fmt(report.calibrationSlope()));
            return report;
        }
    }

    /** Lab: its encrypted partial scores of the test rows under the model it released. */
    EncryptedScores testScores(String caller, UUID runId, TestRequest request) {
        StoredRun stored = releasedRun(runId, caller, PartyRole.LAB, Participants::hospital, request);
        PartyModel model = store.releasedModel(runId, false).orElseThrow(() -> new TrainingRunException(runId,
                TrainingRunException.Reason.OUT_OF_ORDER, "no model released here"));
        TrainingData data = loadReleased(stored, false);
        try (RunKeys keys = RunKeys.load(stored.decodedKeySetup())) {
            return protocol(request.round(), () -> TestEvaluation.labScores(request.round(), properties.organisation(),
                    model, data.features(), stored.config(), keys));
        }
    }

    private StoredRun releasedRun(UUID runId, String caller, PartyRole role, Function<Participants, String> expected,
            TestRequest request) {
        StoredRun stored = store.find(runId).orElseThrow(() -> unknown(runId));
        String allowed = expected.apply(stored.participants());
        if (!caller.equals(allowed)) {
            throw refused(runId, caller, "only " + allowed + " may ask for test scores in this run");
        }
        if (stored.role() != role || !"COMPLETED".equals(stored.status()) || request.round() == null
                || !request.round().runId().equals(runId) || !request.round().isTest()
                || stored.bestEpoch() == null || request.round().epoch() != store.releasedEpoch(runId)) {
            throw new TrainingRunException(runId, TrainingRunException.Reason.OUT_OF_ORDER,
                    "test scores are given for this run's released epoch, after the release, by the "
                            + role.name().toLowerCase());
        }
        return stored;
    }

    private TrainingData loadReleased(StoredRun stored, boolean withLabels) {
        try {
            return dataSource.load(stored.projectId(), stored.psiRunId(), withLabels);
        } catch (IllegalArgumentException e) {
            throw new TrainingRunException(stored.runId(), TrainingRunException.Reason.BAD_DATA, e.getMessage(), e);
        }
    }

    // ---- setup (coordinator → hospital, labs) ---------------------------------------------------

    SetupAccepted setup(String caller, Setup setup) {
        UUID runId = setup.runId();
        if (!setup.keySetup().runId().equals(runId)) {
            throw new TrainingRunException(runId, TrainingRunException.Reason.OUT_OF_ORDER,
                    "the key setup belongs to another run");
        }
        if (!caller.equals(setup.participants().coordinator()) || roleOf(caller) != PartyRole.COORDINATOR) {
            throw refused(runId, caller, "only the run's coordinator may set up a run");
        }
        PartyRole ownRole = properties.role();
        boolean named = ownRole == PartyRole.HOSPITAL
                ? properties.organisation().equals(setup.participants().hospital())
                : ownRole == PartyRole.LAB && setup.participants().labs().contains(properties.organisation());
        if (!named) {
            throw new TrainingRunException(runId, TrainingRunException.Reason.BAD_DATA,
                    "this party (" + ownRole + ") is not a data holder named in the setup");
        }
        for (String party : setup.participants().labs()) {
            if (ownRole == PartyRole.HOSPITAL) {
                requirePeer(runId, party, PartyRole.LAB);
            }
        }
        if (ownRole == PartyRole.LAB) {
            requirePeer(runId, setup.participants().hospital(), PartyRole.HOSPITAL);
        }
        Session session;
        synchronized (this) {
            boolean created = store.acceptSetup(setup, ownRole);
            StoredRun stored = store.findWithoutKeys(runId).orElseThrow();
            if (!created && "COMPLETED".equals(stored.status())) {
                // A coordinator that restarted after this party released its model repeats the setup.
                return new SetupAccepted(stored.cohortSize(), -1, store.cohortCommitment(runId).orElse(null));
            }
            session = session(runId);
            if (created) {
                store.setCohort(runId, session.data.rows(), store.psiCohortCommitment(setup.psiRunId()).orElse(null));
                log.info("Training run {} set up for project {}: {} aligned rows, {} own features, {} lab(s)", runId,
                        setup.projectId(), session.data.rows(), session.data.features()[0].length,
                        setup.participants().labs().size());
            }
        }
        synchronized (session) {
            return new SetupAccepted(session.data.rows(), session.appliedRound,
                    store.cohortCommitment(runId).orElse(null));
        }
    }

    // ---- a batch round -------------------------------------------------------------------------

    /** Hospital: runs round {@code request.roundIndex()} with the labs and the coordinator. */
    RoundDone runRound(String caller, UUID runId, RoundRequest request) {
        Session session = sessionFor(runId, caller, PartyRole.HOSPITAL, Participants::coordinator, "run a round");
        synchronized (session) {
            RoundId round = checkRound(session, request.roundIndex(), request.round());
            prepareRound(session, request.roundIndex());
            List<String> labs = session.run.participants().labs();
            Map<String, String> digests = new TreeMap<>();
            List<EncryptedScores> scores = new ArrayList<>();
            for (int k = 0; k < labs.size(); k++) {
                EncryptedScores labScores = labScores(runId, labs.get(k), "scores", request, round);
                scores.add(labScores);
                digests.put("scores." + k, Messages.digest(round, labs.get(k), labScores.ciphertexts()));
            }
            session.clean = false;
            EncryptedResiduals residuals = protocol(round, () -> session.hospital.residuals(round, scores));
            digests.put("residuals", Messages.digest(round, properties.organisation(), residuals.ciphertexts()));
            for (int k = 0; k < labs.size(); k++) {
                LabRoundDone done = call(runId, labs.get(k), "residuals",
                        new ResidualsDelivery(request.roundIndex(), residuals), LabRoundDone.class);
                digests.put("gradient." + k, done.gradientDigest());
            }
            MaskedGradient own = protocol(round, () -> session.hospital.gradient(round));
            digests.put("gradient.hospital", applyThroughCoordinator(session, request.roundIndex(), own));
            return new RoundDone(request.roundIndex(), digests);
        }
    }

    /** Lab: its encrypted scores of a round's batch, for the hospital. */
    EncryptedScores scores(String caller, UUID runId, RoundRequest request) {
        Session session = sessionFor(runId, caller, PartyRole.LAB, Participants::hospital, "ask for scores");
        synchronized (session) {
            RoundId round = checkRound(session, request.roundIndex(), request.round());
            prepareRound(session, request.roundIndex());
            return protocol(round, () -> session.lab.scores(round));
        }
    }

    /** Lab: from the hospital's residuals, its gradient through the coordinator, applied and checkpointed. */
    LabRoundDone residuals(String caller, UUID runId, ResidualsDelivery delivery) {
        Session session = sessionFor(runId, caller, PartyRole.LAB, Participants::hospital, "send residuals");
        synchronized (session) {
            RoundId round = checkRound(session, delivery.roundIndex(), delivery.residuals().round());
            if (session.appliedRound != delivery.roundIndex() - 1) {
                throw new TrainingRunException(runId, TrainingRunException.Reason.OUT_OF_ORDER,
                        "residuals of round " + delivery.roundIndex() + " but this party stands at round "
                                + session.appliedRound);
            }
            session.clean = false;
            MaskedGradient gradient = protocol(round, () -> session.lab.gradient(delivery.residuals()));
            return new LabRoundDone(applyThroughCoordinator(session, delivery.roundIndex(), gradient));
        }
    }

    // ---- validation and decisions --------------------------------------------------------------

    /** Hospital: validates the epoch with the labs' scores and the coordinator's unmasking. */
    ValidationOutcome validate(String caller, UUID runId, ValidationRequest request) {
        Session session = sessionFor(runId, caller, PartyRole.HOSPITAL, Participants::coordinator,
                "ask for validation");
        synchronized (session) {
            RoundId round = checkValidation(session, request);
            prepareValidation(session, request.lastRoundIndex());
            List<EncryptedScores> scores = new ArrayList<>();
            for (String lab : session.run.participants().labs()) {
                scores.add(labScores(runId, lab, "validation-scores", request, round));
            }
            MaskedScores masked = protocol(round, () -> session.hospital.maskedValidationScores(round, scores));
            MaskedValues values = call(runId, session.run.participants().coordinator(), "validation-decrypt", masked,
                    MaskedValues.class);
            ValidationReport report = protocol(round, () -> session.hospital.validationReport(values));
            Metrics.Report full = session.hospital.lastReport();
            log.info("Training run {} epoch {}: validation AUC {} (95% CI {} to {}), log-loss {}", runId,
                    round.epoch(), fmt(report.auc()), fmt(full.auc().lower()), fmt(full.auc().upper()),
                    fmt(report.logLoss()));
            return new ValidationOutcome(report, full.auc().lower(), full.auc().upper(), full.brier());
        }
    }

    /** Lab: encrypted validation scores at the weights of the epoch's last round. */
    EncryptedScores validationScores(String caller, UUID runId, ValidationRequest request) {
        Session session = sessionFor(runId, caller, PartyRole.LAB, Participants::hospital,
                "ask for validation scores");
        synchronized (session) {
            RoundId round = checkValidation(session, request);
            prepareValidation(session, request.lastRoundIndex());
            return protocol(round, () -> session.lab.validationScores(round));
        }
    }

    /**
     * Hospital or lab: applies the epoch's decision (keeps the best weights so far in the
     * checkpoint of the epoch's last round) and, when training stops, releases its own
     * coefficients. Idempotent.
     */
    DecisionApplied decide(String caller, UUID runId, DecisionDelivery delivery) {
        StoredRun stored = store.findWithoutKeys(runId).orElseThrow(() -> unknown(runId));
        if (!caller.equals(stored.participants().coordinator())) {
            throw refused(runId, caller, "only the run's coordinator may send a decision");
        }
        if ("COMPLETED".equals(stored.status())) {
            return new DecisionApplied(store.modelSha256(runId).orElse(null));
        }
        if ("FAILED".equals(stored.status()) && delivery.decision().failed()) {
            return new DecisionApplied(null);
        }
        Session session = session(runId);
        synchronized (session) {
            RoundId validation = delivery.decision().round();
            checkValidation(session, new ValidationRequest(delivery.lastRoundIndex(), validation));
            prepareValidation(session, delivery.lastRoundIndex());
            RoundId lastRound = session.roundOf(delivery.lastRoundIndex());
            if (session.hospital != null) {
                session.hospital.onDecision(delivery.decision());
            } else {
                session.lab.onDecision(delivery.decision());
            }
            store.saveCheckpoint(runId, delivery.lastRoundIndex(), session.checkpoint(lastRound).toBytes());
            if (!delivery.decision().stop()) {
                return new DecisionApplied(null);
            }
            store.recordStop(runId, delivery.decision().reason());
            if (delivery.decision().failed()) {
                store.fail(runId, delivery.decision().reason());
                log.warn("Training run {} failed ({}); nothing released", runId, delivery.decision().reason());
                sessions.remove(runId);
                session.close();
                return new DecisionApplied(null);
            }
            PartyModel model = session.hospital != null ? session.hospital.releasedModel()
                    : session.lab.releasedModel();
            int releasedEpoch = delivery.decision().releasedEpoch();
            String sha = store.releaseCoefficients(stored.projectId(), runId, properties.organisation(), model,
                    releasedEpoch, columns.coefficientNames(stored.projectId(), model.coefficients().length,
                            model.hasIntercept()));
            log.info("Training run {} finished ({}); released {} own coefficients of epoch {}, SHA-256 {}", runId,
                    delivery.decision().reason(), model.coefficients().length, releasedEpoch, sha);
            sessions.remove(runId);
            session.close();
            return new DecisionApplied(sha);
        }
    }

    // ---- people API ----------------------------------------------------------------------------

    /** This party's released coefficient file (hospital or lab), as its MODEL_RELEASED event hashed it. */
    public Optional<byte[]> modelFile(UUID runId) {
        return store.coefficientFile(runId);
    }

    /**
     * This party's own view of a run: where it stands, why it stopped and, after release,
     * its own coefficients with the names of their columns.
     */
    public Optional<TrainingRunView> find(UUID runId) {
        return store.findWithoutKeys(runId).filter(run -> run.role() != PartyRole.COORDINATOR).map(run -> {
            Session session = sessions.get(runId);
            Integer applied = session != null ? Integer.valueOf(session.appliedRound)
                    : store.latestCheckpoint(runId).map(StoredCheckpoint::roundIndex).orElse(null);
            double[] coefficients = store.coefficients(runId).orElse(null);
            List<TrainingRunView.NamedCoefficient> named = coefficients == null ? null
                    : TrainingRunView.NamedCoefficient.of(columns.ownColumns(run.projectId()), coefficients,
                            run.role() == PartyRole.HOSPITAL);
            return TrainingRunView.ofDataHolder(run, applied, coefficients, named,
                    store.modelSha256(runId).orElse(null), store.modelReport(runId).orElse(Map.of()));
        });
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Session session(UUID runId) {
        Session existing = sessions.get(runId);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            existing = sessions.get(runId);
            if (existing != null) {
                return existing;
            }
            StoredRun run = store.find(runId).orElseThrow(() -> unknown(runId));
            if (!"RUNNING".equals(run.status())) {
                throw new TrainingRunException(runId, TrainingRunException.Reason.OUT_OF_ORDER,
                        "run is " + run.status() + " here");
            }
            TrainingData data;
            try {
                data = dataSource.load(run.projectId(), run.psiRunId(), run.role() == PartyRole.HOSPITAL);
            } catch (IllegalArgumentException e) {
                throw new TrainingRunException(runId, TrainingRunException.Reason.BAD_DATA, e.getMessage(), e);
            }
            Session session = new Session(run, data);
            Optional<StoredCheckpoint> latest = store.latestCheckpoint(runId);
            latest.ifPresent(session::restore);
            sessions.put(runId, session);
            if (latest.isPresent()) {
                log.info("Training run {} reloaded at round {} from this party's checkpoint", runId,
                        latest.get().roundIndex());
            }
            return session;
        }
    }

    /** Brings the session to "round r - 1 applied, nothing pending", restoring a checkpoint if needed. */
    private void prepareRound(Session session, int roundIndex) {
        if (session.appliedRound == roundIndex - 1 && session.clean) {
            return;
        }
        if (session.appliedRound < roundIndex - 1) {
            throw new TrainingRunException(session.run.runId(), TrainingRunException.Reason.OUT_OF_ORDER,
                    "round " + roundIndex + " requested but this party stands at round " + session.appliedRound);
        }
        rewind(session, roundIndex - 1);
    }

    private void prepareValidation(Session session, int lastRoundIndex) {
        if (session.appliedRound == lastRoundIndex && session.clean) {
            return;
        }
        if (session.appliedRound < lastRoundIndex) {
            throw new TrainingRunException(session.run.runId(), TrainingRunException.Reason.OUT_OF_ORDER,
                    "validation after round " + lastRoundIndex + " requested but this party stands at round "
                            + session.appliedRound);
        }
        rewind(session, lastRoundIndex);
    }

    private void rewind(Session session, int target) {
        UUID runId = session.run.runId();
        if (target < 0) {
            session.build();
        } else {
            StoredCheckpoint checkpoint = store.checkpoint(runId, target).orElseThrow(() -> new TrainingRunException(
                    runId, TrainingRunException.Reason.OUT_OF_ORDER, "no checkpoint of round " + target + " to resume from"));
            session.restore(checkpoint);
        }
        store.dropCheckpointsAfter(runId, target);
        log.info("Training run {}: resumed from the checkpoint of round {} to redo what follows", runId, target);
    }

    /** A lab's encrypted scores, which must be its own and of the round asked for. */
    private EncryptedScores labScores(UUID runId, String lab, String step, Object request, RoundId round) {
        EncryptedScores scores = call(runId, lab, step, request, EncryptedScores.class);
        if (!scores.sender().equals(lab) || !scores.round().equals(round)) {
            throw new TrainingRunException(runId, TrainingRunException.Reason.PEER_FAILURE,
                    lab + " answered " + step + " of another sender or round");
        }
        return scores;
    }

    /**
     * Has the coordinator decrypt this party's masked gradient, removes the mask and steps
     * (inside the role object), and commits the round's checkpoint.
     *
     * @return the digest of the masked gradient, for the round's audit record
     */
    private String applyThroughCoordinator(Session session, int roundIndex, MaskedGradient gradient) {
        RoundId round = gradient.round();
        MaskedValues values = call(session.run.runId(), session.run.participants().coordinator(), "decrypt", gradient,
                MaskedValues.class);
        protocol(round, () -> {
            if (session.hospital != null) {
                session.hospital.applyGradient(values);
            } else {
                session.lab.applyGradient(values);
            }
            return null;
        });
        checkpoint(session, roundIndex, round);
        return Messages.digest(round, gradient.sender(), gradient.ciphertexts());
    }

    private void checkpoint(Session session, int roundIndex, RoundId round) {
        UUID runId = session.run.runId();
        store.saveCheckpoint(runId, roundIndex, session.checkpoint(round).toBytes());
        session.appliedRound = roundIndex;
        session.clean = true;
        log.info("Training run {} round {} (epoch {} batch {}) applied and checkpointed", runId, roundIndex,
                round.epoch(), round.batch());
        events.publishEvent(new RoundCheckpointed(runId, properties.organisation(), roundIndex));
    }

    private RoundId checkRound(Session session, int roundIndex, RoundId round) {
        UUID runId = session.run.runId();
        if (roundIndex < 0 || round == null || !round.equals(session.roundOf(roundIndex))) {
            throw new TrainingRunException(runId, TrainingRunException.Reason.OUT_OF_ORDER,
                    "round index " + roundIndex + " does not match " + round);
        }
        return round;
    }

    private RoundId checkValidation(Session session, ValidationRequest request) {
        RoundId round = request.round();
        UUID runId = session.run.runId();
        if (round == null || !round.runId().equals(runId) || !round.isValidation()
                || request.lastRoundIndex() != (round.epoch() + 1) * session.batchesPerEpoch - 1) {
            throw new TrainingRunException(runId, TrainingRunException.Reason.OUT_OF_ORDER,
                    "validation " + round + " does not follow round " + request.lastRoundIndex());
        }
        return round;
    }

    /**
     * The run's session, after checking that the caller is the party the protocol expects for
     * this message and that the message is for this party's role; the sender is checked first,
     * so a stranger learns nothing of the run's state.
     */
    private Session sessionFor(UUID runId, String caller, PartyRole role, Function<Participants, String> expected,
            String what) {
        StoredRun stored = store.findWithoutKeys(runId).orElseThrow(() -> unknown(runId));
        String allowed = expected.apply(stored.participants());
        if (!caller.equals(allowed)) {
            throw refused(runId, caller, "only " + allowed + " may " + what + " in this run");
        }
        if (stored.role() != role) {
            throw new TrainingRunException(runId, TrainingRunException.Reason.OUT_OF_ORDER,
                    "this message is for the " + role.name().toLowerCase() + ", and this party is a "
                            + stored.role().name().toLowerCase());
        }
        return session(runId);
    }

    private void requirePeer(UUID runId, String organisation, PartyRole role) {
        if (roleOf(organisation) != role) {
            throw new TrainingRunException(runId, TrainingRunException.Reason.BAD_DATA,
                    organisation + " is not a configured " + role.name().toLowerCase() + " of this party");
        }
    }

    private PartyRole roleOf(String organisation) {
        return properties.peer(organisation).map(PartyProperties.Peer::role).orElse(null);
    }

    private <T> T call(UUID runId, String organisation, String step, Object body, Class<T> answer) {
        PartyProperties.Peer peer = properties.peer(organisation).orElseThrow(() -> new TrainingRunException(runId,
                TrainingRunException.Reason.BAD_DATA, organisation + " is not a configured peer"));
        try {
            return client.post(peer, PEER_BASE + runId + "/" + step, body, answer);
        } catch (PeerCallException e) {
            throw new TrainingRunException(runId, TrainingRunException.Reason.PEER_FAILURE,
                    step + " at " + organisation + " failed: " + e.problem().getDetail(), e);
        }
    }

    private static <T> T protocol(RoundId round, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (TrainingException e) {
            throw new TrainingRunException(round.runId(), TrainingRunException.Reason.OUT_OF_ORDER, e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new TrainingRunException(round.runId(), TrainingRunException.Reason.OUT_OF_ORDER,
                    "refused a message of " + round + ": " + e.getMessage(), e);
        }
    }

    private static TrainingRunException refused(UUID runId, String caller, String why) {
        log.warn("Training run {}: refused a message from {}: {}", runId, caller, why);
        return new TrainingRunException(runId, TrainingRunException.Reason.WRONG_SENDER, why);
    }

    private static TrainingRunException unknown(UUID runId) {
        return new TrainingRunException(runId, TrainingRunException.Reason.UNKNOWN_RUN, "no such run at this party");
    }

    static String fmt(double value) {
        return String.format(java.util.Locale.ROOT, "%.4f", value);
    }

    @Override
    public void destroy() {
        sessions.values().forEach(Session::close);
        sessions.clear();
    }
}
