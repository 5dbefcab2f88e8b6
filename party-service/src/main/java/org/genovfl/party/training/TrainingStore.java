package org.genovfl.party.training;

import org.genovfl.party.psi.AlignedCohorts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.genovfl.audit.AuditEventType;
import org.genovfl.party.audit.AuditOutbox;
import org.genovfl.party.config.PartyRole;
import org.genovfl.party.security.KeyVault;
import org.genovfl.party.training.TrainingWire.Participants;
import org.genovfl.party.web.InvalidFieldException;
import org.springframework.http.HttpStatus;
import org.genovfl.vfl.TrainingConfig;
import org.genovfl.vfl.inference.PartyModel;
import org.genovfl.vfl.math.Standardizer;
import org.genovfl.vfl.protocol.Messages.EpochDecision;
import org.genovfl.vfl.protocol.Messages.KeySetup;
import org.genovfl.vfl.protocol.Messages.ValidationReport;
import org.genovfl.vfl.protocol.RoundId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * A party's durable record of its training runs: the setup, checkpoints after each round
 * (data holders), the round log, the per-epoch decisions and the secret key (coordinator),
 * and the released model. Each step that the audit trail records commits together with
 * its audit event.
 */
@Repository
class TrainingStore {

    static final String ALGORITHM = "VERTICAL_LOGISTIC_REGRESSION_CKKS";

    /** A run as this party stored it. */
    record StoredRun(UUID runId, UUID projectId, UUID psiRunId, PartyRole role, TrainingConfig config,
            Participants participants, byte[] keySetup, byte[] secretKey, Integer cohortSize, String status,
            Integer bestEpoch, String stopReason, String error) {

        KeySetup decodedKeySetup() {
            return decodeKeySetup(keySetup);
        }
    }

    /** One epoch's validation and decision, as the coordinator keeps them. */
    record EpochRecord(int epoch, ValidationReport report, double aucLower, double aucUpper, EpochDecision decision) {
    }

    /** A stored checkpoint: the global round index it was written after, and its bytes. */
    record StoredCheckpoint(int roundIndex, byte[] state) {
    }

    private final JdbcClient jdbc;
    private final AuditOutbox audit;
    private final KeyVault vault;
    private final AlignedCohorts cohorts;
    private final ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    TrainingStore(JdbcClient jdbc, AuditOutbox audit, KeyVault vault, AlignedCohorts cohorts) {
        this.cohorts = cohorts;
        this.jdbc = jdbc;
        this.audit = audit;
        this.vault = vault;
    }

    // ---- runs ---------------------------------------------------------------------------

    /**
     * Creates the coordinator's record of a new run, with the key set it generated, and
     * audits the key setup (hash of the public key material only). The secret key is stored
     * sealed by the party's {@link KeyVault}, so the database alone does not hold it.
     */
    @Transactional
    void createCoordinatorRun(TrainingWire.Setup setup, byte[] secretKey) {
        byte[] keySetup = encodeKeySetup(setup.keySetup());
        insertRun(setup, PartyRole.COORDINATOR, keySetup, vault.seal(secretKey, secretKeyPurpose(setup.runId())));
        audit.record(setup.projectId(), AuditEventType.KEY_SETUP, Map.of("publicKeySetup", sha256(keySetup)),
                Map.of("trainingRun", setup.runId().toString(), "seed", Long.toString(setup.config().seed())));
    }

    /**
     * Records a setup received from the coordinator, once. A repeated identical setup (the
     * coordinator retrying) is accepted; a different one for the same run id is refused.
     *
     * @return true if the run was new here
     */
    @Transactional
    boolean acceptSetup(TrainingWire.Setup setup, PartyRole role) {
        byte[] keySetup = encodeKeySetup(setup.keySetup());
        Optional<String> existing = jdbc.sql("SELECT key_setup_sha256 FROM training_run WHERE id = ?")
                .param(setup.runId()).query(String.class).optional();
        if (existing.isPresent()) {
            if (!existing.get().equals(sha256(keySetup))) {
                throw new TrainingRunException(setup.runId(), TrainingRunException.Reason.OUT_OF_ORDER,
                        "a different setup was already accepted for this run");
            }
            return false;
        }
        insertRun(setup, role, keySetup, null);
        return true;
    }

    private void insertRun(TrainingWire.Setup setup, PartyRole role, byte[] keySetup, byte[] secretKey) {
        jdbc.sql("""
                INSERT INTO training_run (id, project_id, psi_run_id, algorithm, hyperparameters, seed, status,
                                          party_role, participants, key_setup, key_setup_sha256, secret_key)
                VALUES (:id, :project, :psi, :algorithm, CAST(:config AS jsonb), :seed, 'RUNNING',
                        :role, CAST(:participants AS jsonb), :keySetup, :keySha, :secret)
                """)
                .param("id", setup.runId())
                .param("project", setup.projectId())
                .param("psi", setup.psiRunId())
                .param("algorithm", ALGORITHM)
                .param("config", write(setup.config()))
                .param("seed", setup.config().seed())
                .param("role", role.name())
                .param("participants", write(setup.participants()))
                .param("keySetup", keySetup)
                .param("keySha", sha256(keySetup))
                .param("secret", secretKey)
                .update();
    }

    Optional<StoredRun> find(UUID runId) {
        return find(runId, "key_setup, secret_key");
    }

    /**
     * The run without its key material (null in the result): what every message checks,
     * at a fraction of the cost, since the key setup with its Galois keys weighs tens of MB.
     */
    Optional<StoredRun> findWithoutKeys(UUID runId) {
        return find(runId, "NULL::bytea AS key_setup, NULL::bytea AS secret_key");
    }

    private Optional<StoredRun> find(UUID runId, String keyColumns) {
        return jdbc.sql("""
                SELECT id, project_id, psi_run_id, party_role, CAST(hyperparameters AS TEXT) AS config,
                       CAST(participants AS TEXT) AS participants, %s, cohort_size, status,
                       best_epoch, stop_reason, error
                  FROM training_run WHERE id = ? AND algorithm = ?
                """.formatted(keyColumns))
                .params(runId, ALGORITHM)
                .query((rs, n) -> new StoredRun(rs.getObject("id", UUID.class), rs.getObject("project_id", UUID.class),
                        rs.getObject("psi_run_id", UUID.class), PartyRole.valueOf(rs.getString("party_role")),
                        read(rs.getString("config"), TrainingConfig.class),
                        read(rs.getString("participants"), Participants.class), rs.getBytes("key_setup"),
                        unsealSecretKey(rs.getObject("id", UUID.class), rs.getBytes("secret_key")), (Integer) rs.getObject("cohort_size"), rs.getString("status"),
                        (Integer) rs.getObject("best_epoch"), rs.getString("stop_reason"), rs.getString("error")))
                .optional();
    }

    private byte[] unsealSecretKey(UUID runId, byte[] sealed) {
        return sealed == null ? null : vault.unseal(sealed, secretKeyPurpose(runId));
    }

    private static String secretKeyPurpose(UUID runId) {
        return "training-run/" + runId + "/coordinator-secret-key";
    }

    /**
     * Checks on arrival that a request's project and PSI run exist here and fit together.
     *
     * @throws InvalidFieldException 404 naming {@code /projectId} or {@code /psiRunId} if
     *     unknown here, 409 naming {@code /psiRunId} if the PSI run is of another project or
     *     not COMPLETED
     */
    void checkReferences(UUID projectId, UUID psiRunId, String here) {
        boolean project = jdbc.sql("SELECT count(*) FROM project WHERE id = ?").param(projectId).query(Long.class)
                .single() == 1;
        if (!project) {
            throw new InvalidFieldException(HttpStatus.NOT_FOUND, "/projectId",
                    "no project " + projectId + " is registered at " + here);
        }
        if (psiRunId != null) {
            cohorts.requireUsable(projectId, psiRunId, here);
        }
    }

    /** Records why a run stopped (data holders learn it from the coordinator's decision). */
    void recordStop(UUID runId, String reason) {
        jdbc.sql("UPDATE training_run SET stop_reason = ? WHERE id = ?").params(reason, runId).update();
    }

    /** The epoch whose weights this party released (a data holder's model report), or -1. */
    int releasedEpoch(UUID runId) {
        return modelReport(runId).map(report -> report.get("releasedEpoch") instanceof Number n ? n.intValue() : -1)
                .orElse(-1);
    }

    /** The report stored with this party's model row (data holder: its release; coordinator: the run's). */
    Optional<Map<String, Object>> modelReport(UUID runId) {
        return jdbc.sql("SELECT CAST(report AS TEXT) FROM model WHERE training_run_id = ?").param(runId)
                .query(String.class).optional().map(text -> {
                    try {
                        return json.readValue(text, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("stored model report is unreadable", e);
                    }
                });
    }

    /** Runs this party coordinates that have not ended, to resume after a restart. */
    List<UUID> unfinishedCoordinatorRuns() {
        return jdbc.sql("SELECT id FROM training_run WHERE party_role = 'COORDINATOR' AND status = 'RUNNING' "
                + "AND algorithm = ? ORDER BY started_at").param(ALGORITHM).query(UUID.class).list();
    }

    /**
     * The run's cohort size and the joint commitment of the PSI run it trains on (null if
     * that run has none), which MODEL_RELEASED then references.
     */
    void setCohort(UUID runId, int cohortSize, String cohortCommitment) {
        jdbc.sql("UPDATE training_run SET cohort_size = ?, cohort_commitment = ? WHERE id = ?")
                .params(cohortSize, cohortCommitment, runId).update();
    }

    Optional<String> cohortCommitment(UUID runId) {
        return jdbc.sql("SELECT cohort_commitment FROM training_run WHERE id = ? AND cohort_commitment IS NOT NULL")
                .param(runId).query(String.class).optional();
    }

    /** The joint cohort commitment of a PSI run held here (data holders only). */
    Optional<String> psiCohortCommitment(UUID psiRunId) {
        return jdbc.sql("SELECT cohort_commitment FROM psi_run WHERE id = ? AND cohort_commitment IS NOT NULL")
                .param(psiRunId).query(String.class).optional();
    }

    /** The coefficient hashes of a release, with the trained cohort's commitment when there is one. */
    private Map<String, String> withCohort(UUID runId, Map<String, String> hashes) {
        Map<String, String> all = new java.util.TreeMap<>(hashes);
        cohortCommitment(runId).ifPresent(commitment -> all.put("cohort", commitment));
        return all;
    }

    /** Marks a run FAILED with a reason fit for the people API (no personal data) and erases a secret key. */
    void fail(UUID runId, String error) {
        jdbc.sql("UPDATE training_run SET status = 'FAILED', error = ?, secret_key = NULL, finished_at = now() "
                + "WHERE id = ?").params(error, runId).update();
    }

    // ---- checkpoints (hospital and labs) ---------------------------------------------------

    /** Writes (or rewrites, after an epoch decision) the checkpoint of global round {@code roundIndex}. */
    void saveCheckpoint(UUID runId, int roundIndex, byte[] state) {
        jdbc.sql("""
                INSERT INTO training_checkpoint (run_id, round_number, state, state_sha256)
                VALUES (:run, :round, :state, :sha)
                ON CONFLICT (run_id, round_number) DO UPDATE
                   SET state = EXCLUDED.state, state_sha256 = EXCLUDED.state_sha256, created_at = now()
                """)
                .param("run", runId).param("round", roundIndex).param("state", state).param("sha", sha256(state))
                .update();
    }

    Optional<StoredCheckpoint> latestCheckpoint(UUID runId) {
        return jdbc.sql("SELECT round_number, state FROM training_checkpoint WHERE run_id = ? "
                + "ORDER BY round_number DESC LIMIT 1").param(runId)
                .query((rs, n) -> new StoredCheckpoint(rs.getInt(1), rs.getBytes(2))).optional();
    }

    Optional<StoredCheckpoint> checkpoint(UUID runId, int roundIndex) {
        return jdbc.sql("SELECT round_number, state FROM training_checkpoint WHERE run_id = ? AND round_number = ?")
                .params(runId, roundIndex)
                .query((rs, n) -> new StoredCheckpoint(rs.getInt(1), rs.getBytes(2))).optional();
    }

    /** Drops checkpoints after {@code roundIndex}: a round being redone must not leave a stale later state. */
    void dropCheckpointsAfter(UUID runId, int roundIndex) {
        jdbc.sql("DELETE FROM training_checkpoint WHERE run_id = ? AND round_number > ?").params(runId, roundIndex)
                .update();
    }

    // ---- rounds and epochs (coordinator) -----------------------------------------------------

    /** Logs a confirmed round and its audit event (message digests only) in one transaction. */
    @Transactional
    void recordRound(UUID projectId, UUID runId, int roundIndex, RoundId round, Map<String, String> digests) {
        int inserted = jdbc.sql("""
                INSERT INTO training_round (run_id, round_number, metrics, messages_sha256)
                VALUES (:run, :round, CAST(:metrics AS jsonb), :sha)
                ON CONFLICT (run_id, round_number) DO NOTHING
                """)
                .param("run", runId).param("round", roundIndex)
                .param("metrics", write(Map.of("epoch", round.epoch(), "batch", round.batch(), "digests", digests)))
                .param("sha", sha256(write(new java.util.TreeMap<>(digests)).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .update();
        if (inserted == 1) {
            audit.record(projectId, AuditEventType.TRAINING_ROUND, digests, Map.of("trainingRun", runId.toString(),
                    "round", Integer.toString(roundIndex), "epoch", Integer.toString(round.epoch()),
                    "batch", Integer.toString(round.batch())));
        }
    }

    /** The highest confirmed global round index, or -1. */
    int lastRecordedRound(UUID runId) {
        return jdbc.sql("SELECT coalesce(max(round_number), -1) FROM training_round WHERE run_id = ?").param(runId)
                .query(Integer.class).single();
    }

    /** Stores an epoch's validation and decision, audited with the aggregate metrics. */
    @Transactional
    void recordEpoch(UUID projectId, UUID runId, EpochRecord epoch) {
        ValidationReport report = epoch.report();
        EpochDecision decision = epoch.decision();
        jdbc.sql("""
                INSERT INTO training_epoch (run_id, epoch, auc, auc_lower, auc_upper, log_loss, accuracy,
                                            share_outside, stop, best_epoch, reason)
                VALUES (:run, :epoch, :auc, :lower, :upper, :loss, :accuracy, :outside, :stop, :best, :reason)
                """)
                .param("run", runId).param("epoch", epoch.epoch()).param("auc", report.auc())
                .param("lower", epoch.aucLower()).param("upper", epoch.aucUpper()).param("loss", report.logLoss())
                .param("accuracy", report.accuracy()).param("outside", report.shareOutsideInterval())
                .param("stop", decision.stop()).param("best", decision.bestEpoch()).param("reason", decision.reason())
                .update();
        jdbc.sql("UPDATE training_run SET best_epoch = ?, stop_reason = ? WHERE id = ?")
                .params(decision.bestEpoch(), decision.reason(), runId).update();
        audit.record(projectId, AuditEventType.TRAINING_ROUND, Map.of(), Map.of("trainingRun", runId.toString(),
                "epoch", Integer.toString(epoch.epoch()), "phase", "validation",
                "validationAuc", String.format(java.util.Locale.ROOT, "%.6f", report.auc()),
                "validationLogLoss", String.format(java.util.Locale.ROOT, "%.6f", report.logLoss()),
                "stop", Boolean.toString(decision.stop())));
    }

    List<EpochRecord> epochs(UUID runId) {
        return jdbc.sql("SELECT * FROM training_epoch WHERE run_id = ? ORDER BY epoch").param(runId)
                .query((rs, n) -> {
                    RoundId round = RoundId.validation(runId, rs.getInt("epoch"));
                    return new EpochRecord(rs.getInt("epoch"),
                            new ValidationReport(round, rs.getDouble("auc"), rs.getDouble("log_loss"),
                                    rs.getDouble("accuracy"), rs.getDouble("share_outside")),
                            rs.getDouble("auc_lower"), rs.getDouble("auc_upper"),
                            new EpochDecision(round, rs.getBoolean("stop"), rs.getInt("best_epoch"),
                                    rs.getString("reason")));
                }).list();
    }

    // ---- release -------------------------------------------------------------------------------

    /**
     * A data holder's release: its own coefficients and their hash, and its standardisation
     * statistics (which inference needs), audited as MODEL_RELEASED (hashes only).
     * Idempotent: a repeated release keeps the first.
     *
     * @return the SHA-256 of the coefficient file
     */
    @Transactional
    String releaseCoefficients(UUID projectId, UUID runId, String organisation, PartyModel model, int bestEpoch,
            List<String> names) {
        double[] coefficients = model.coefficients();
        byte[] file = coefficientFile(coefficients, names);
        byte[] standardizer = model.standardizer().toBytes();
        String sha = sha256(file);
        int inserted = jdbc.sql("""
                INSERT INTO model (id, training_run_id, coefficients, coefficients_sha256, report, organisation,
                                   standardizer)
                VALUES (:id, :run, :file, :sha, CAST(:report AS jsonb), :organisation, :standardizer)
                ON CONFLICT (training_run_id) DO NOTHING
                """)
                .param("id", UUID.randomUUID()).param("run", runId).param("file", file).param("sha", sha)
                .param("report", write(Map.of("bestEpoch", bestEpoch, "releasedEpoch", bestEpoch,
                        "coefficients", coefficients.length)))
                .param("organisation", organisation)
                .param("standardizer", standardizer)
                .update();
        if (inserted == 1) {
            audit.record(projectId, AuditEventType.MODEL_RELEASED,
                    withCohort(runId, Map.of("coefficients", sha, "standardizer", sha256(standardizer))),
                    Map.of("trainingRun", runId.toString(), "bestEpoch", Integer.toString(bestEpoch)));
            finish(runId, bestEpoch);
            return sha;
        }
        return jdbc.sql("SELECT coefficients_sha256 FROM model WHERE training_run_id = ?").param(runId)
                .query(String.class).single();
    }

    /**
     * The coordinator's release: hashes of every party's coefficients, no coefficient;
     * the secret key is erased in the same transaction.
     */
    @Transactional
    void releaseHashes(UUID projectId, UUID runId, Map<String, String> partyHashes, int bestEpoch, Map<String, Object> report) {
        String combined = sha256(write(new java.util.TreeMap<>(partyHashes)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.util.Map<String, Object> content = new java.util.TreeMap<>(report);
        content.put("coefficientHashes", new java.util.TreeMap<>(partyHashes));
        int inserted = jdbc.sql("""
                INSERT INTO model (id, training_run_id, coefficients, coefficients_sha256, report, organisation)
                VALUES (:id, :run, NULL, :sha, CAST(:report AS jsonb), NULL)
                ON CONFLICT (training_run_id) DO NOTHING
                """)
                .param("id", UUID.randomUUID()).param("run", runId).param("sha", combined)
                .param("report", write(content))
                .update();
        if (inserted == 1) {
            java.util.Map<String, String> hashes = new java.util.TreeMap<>();
            int k = 0;
            for (String hash : new java.util.TreeMap<>(partyHashes).values()) {
                hashes.put("coefficients." + k++, hash);
            }
            audit.record(projectId, AuditEventType.MODEL_RELEASED, withCohort(runId, hashes),
                    Map.of("trainingRun", runId.toString(), "bestEpoch", Integer.toString(bestEpoch)));
        }
        finish(runId, bestEpoch);
    }

    private void finish(UUID runId, int bestEpoch) {
        jdbc.sql("UPDATE training_run SET status = 'COMPLETED', best_epoch = ?, secret_key = NULL, "
                + "finished_at = coalesce(finished_at, now()) WHERE id = ?").params(bestEpoch, runId).update();
    }

    /** This party's released coefficients (a data holder), if any. */
    Optional<double[]> coefficients(UUID runId) {
        return coefficientFile(runId).map(TrainingStore::readCoefficientFile);
    }

    /**
     * This party's share of a released model (a data holder): coefficients and the
     * standardisation statistics, if it released both.
     */
    Optional<PartyModel> releasedModel(UUID runId, boolean hasIntercept) {
        return jdbc.sql("SELECT coefficients, standardizer FROM model WHERE training_run_id = ? "
                + "AND coefficients IS NOT NULL AND standardizer IS NOT NULL").param(runId)
                .query((rs, n) -> new PartyModel(Standardizer.fromBytes(rs.getBytes(2)),
                        readCoefficientFile(rs.getBytes(1)), hasIntercept))
                .optional();
    }

    /** This party's released coefficient file, byte for byte as hashed and audited. */
    Optional<byte[]> coefficientFile(UUID runId) {
        return jdbc.sql("SELECT coefficients FROM model WHERE training_run_id = ? AND coefficients IS NOT NULL")
                .param(runId).query((rs, n) -> rs.getBytes(1)).optional();
    }

    Optional<String> modelSha256(UUID runId) {
        return jdbc.sql("SELECT coefficients_sha256 FROM model WHERE training_run_id = ?").param(runId)
                .query(String.class).optional();
    }

    // ---- encodings -----------------------------------------------------------------------------

    /**
     * The coefficient file: a count n, then n IEEE doubles, big-endian, then the n column
     * names (each a 4-byte length and UTF-8 bytes; the hospital's intercept is
     * {@code (intercept)}), so that the file says which coefficient belongs to which column.
     * A reader of the numbers alone stops after the doubles. Its SHA-256 is what the audit
     * records.
     */
    static byte[] coefficientFile(double[] coefficients, List<String> names) {
        if (names.size() != coefficients.length) {
            throw new IllegalArgumentException(names.size() + " names for " + coefficients.length + " coefficients");
        }
        List<byte[]> encoded = names.stream().map(n -> n.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toList();
        ByteBuffer buffer = ByteBuffer.allocate(4 + 8 * coefficients.length
                + encoded.stream().mapToInt(b -> 4 + b.length).sum());
        buffer.putInt(coefficients.length);
        for (double c : coefficients) {
            buffer.putDouble(c);
        }
        for (byte[] name : encoded) {
            buffer.putInt(name.length);
            buffer.put(name);
        }
        return buffer.array();
    }

    /** The column names of a coefficient file, or an empty list for a file written without them. */
    static List<String> readCoefficientNames(byte[] file) {
        ByteBuffer buffer = ByteBuffer.wrap(file);
        int count = buffer.getInt();
        buffer.position(4 + 8 * count);
        List<String> names = new java.util.ArrayList<>();
        while (buffer.remaining() >= 4 && names.size() < count) {
            byte[] name = new byte[buffer.getInt()];
            buffer.get(name);
            names.add(new String(name, java.nio.charset.StandardCharsets.UTF_8));
        }
        return names;
    }

    static double[] readCoefficientFile(byte[] file) {
        ByteBuffer buffer = ByteBuffer.wrap(file);
        double[] coefficients = new double[buffer.getInt()];
        for (int i = 0; i < coefficients.length; i++) {
            coefficients[i] = buffer.getDouble();
        }
        return coefficients;
    }

    static byte[] encodeKeySetup(KeySetup setup) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(setup.runId().getMostSignificantBits());
            out.writeLong(setup.runId().getLeastSignificantBits());
            out.writeInt(setup.featuresPerBlock());
            for (byte[] part : List.of(setup.parameters(), setup.publicKey(), setup.relinKeys(), setup.galoisKeys())) {
                out.writeInt(part.length);
                out.write(part);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static KeySetup decodeKeySetup(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            UUID runId = new UUID(in.readLong(), in.readLong());
            int featuresPerBlock = in.readInt();
            byte[][] parts = new byte[4][];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = in.readNBytes(in.readInt());
            }
            return new KeySetup(runId, parts[0], parts[1], parts[2], parts[3], featuresPerBlock);
        } catch (IOException e) {
            throw new IllegalStateException("stored key setup is corrupt", e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String value, Class<T> type) {
        try {
            return json.readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " is unreadable", e);
        }
    }
}
