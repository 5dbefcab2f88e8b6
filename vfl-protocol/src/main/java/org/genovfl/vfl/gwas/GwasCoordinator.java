package org.genovfl.vfl.gwas;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.genovfl.he.Ciphertext;
import org.genovfl.he.CkksContext;
import org.genovfl.he.Decryptor;
import org.genovfl.he.GaloisKeys;
import org.genovfl.he.KeyGenerator;
import org.genovfl.he.PublicKey;
import org.genovfl.he.RelinKeys;
import org.genovfl.he.SecretKey;
import org.genovfl.vfl.gwas.GwasMessages.BlockId;
import org.genovfl.vfl.gwas.GwasMessages.BlockResult;
import org.genovfl.vfl.gwas.GwasMessages.GwasMessage;
import org.genovfl.vfl.gwas.GwasMessages.KeySetup;
import org.genovfl.vfl.gwas.GwasMessages.LabReady;
import org.genovfl.vfl.gwas.GwasMessages.NullModelSummary;
import org.genovfl.vfl.gwas.GwasMessages.RunId;
import org.genovfl.vfl.gwas.GwasMessages.ScanBlock;

/**
 * The coordinator C: generates a fresh key set for the run, keeps the secret key, and
 * decrypts exactly one thing: each block's U and V ciphertexts, whose slots hold one released
 * statistic per variant (the lab masked everything else to zero). It never sees a
 * per-patient value. Its loop over each lab's blocks follows Flower's Strategy:
 * {@link #configureBlock} (ask a lab for a block), {@link #aggregate} (decrypt, apply the
 * release rules, keep the results), {@link #decide} (the next block, or done).
 *
 * <p>Decrypted values are rounded to 9 significant digits before use: far below the
 * statistics' own error and above the CKKS noise, so no result carries the noise of the
 * decryption (Li and Micciancio 2021).
 */
public final class GwasCoordinator implements GwasParticipant {

    private final RunId run;
    private final ReleaseRules rules;
    private final Map<String, Integer> blocksPerLab = new LinkedHashMap<>();
    private final Map<String, Integer> nextBlock = new LinkedHashMap<>();
    private final Map<String, Integer> completedBlocks = new LinkedHashMap<>();
    /** Per lab, phi'/phi: the residual variance with the lab's ancestry components over H's (1 if none). */
    private final Map<String, Double> varianceRatio = new LinkedHashMap<>();
    private final List<VariantResult> results = new ArrayList<>();
    private Phase phase = Phase.WAITING;
    private NullModelSummary summary;
    private TileLayout layout;
    private CkksContext context;
    private SecretKey secretKey;
    private Decryptor decryptor;

    public GwasCoordinator(RunId run, ReleaseRules rules) {
        this.run = Objects.requireNonNull(run, "run");
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    @Override
    public String name() {
        return GwasMessages.COORDINATOR;
    }

    @Override
    public Phase phase() {
        return phase;
    }

    @Override
    public List<GwasMessage> receive(GwasMessage message) {
        if (!message.run().equals(run)) {
            throw new GwasException(run, -1, GwasException.Stage.MISMATCH, "message for another run");
        }
        if (message instanceof NullModelSummary s && summary == null) {
            return setUp(s);
        }
        if (message instanceof LabReady ready && phase == Phase.SCANNING && expects(ready.from())
                && !blocksPerLab.containsKey(ready.from())) {
            varianceRatio.put(ready.from(), varianceRatio(ready));
            blocksPerLab.put(ready.from(), layout.blocks(ready.variants()));
            nextBlock.put(ready.from(), 0);
            return decide(ready.from());
        }
        if (message instanceof BlockResult result && phase == Phase.SCANNING
                && nextBlock.containsKey(result.block().lab())
                && result.block().block() == nextBlock.get(result.block().lab()) - 1) {
            aggregate(result);
            return decide(result.block().lab());
        }
        throw new GwasException(run, message instanceof BlockResult r ? r.block().block() : -1,
                GwasException.Stage.OUT_OF_ORDER, "coordinator did not expect " + message.getClass().getSimpleName()
                        + " from " + message.from() + " in phase " + phase);
    }

    private boolean expects(String lab) {
        return summary.labs().contains(lab);
    }

    private List<GwasMessage> setUp(NullModelSummary s) {
        if (s.patients() < rules.minCohortSize()) {
            throw new GwasException(run, -1, GwasException.Stage.RELEASE_REFUSED, "cohort of " + s.patients()
                    + " patients is below the project's minimum of " + rules.minCohortSize());
        }
        summary = s;
        context = CkksContext.create(GwasParameters.ckks());
        layout = TileLayout.forCohort(context.slotCount(), s.patients());
        List<GwasMessage> out = new ArrayList<>();
        // Fresh keys per run; only the fold's Galois keys exist, and only the labs get them.
        try (KeyGenerator generator = context.keyGenerator(); PublicKey publicKey = generator.publicKey();
                RelinKeys relinKeys = generator.relinKeys();
                GaloisKeys galoisKeys = generator.galoisKeys(layout.foldSteps())) {
            secretKey = generator.secretKey();
            decryptor = context.decryptor(secretKey);
            byte[] parameters = context.parameters().toBytes();
            byte[] publicBytes = publicKey.toBytes();
            out.add(new KeySetup(run, GwasMessages.HOSPITAL, parameters, publicBytes, null, null,
                    layout.samplesPerBlock()));
            byte[] relinBytes = relinKeys.toBytes();
            byte[] galoisBytes = galoisKeys.toBytes();
            for (String lab : s.labs()) {
                out.add(new KeySetup(run, lab, parameters, publicBytes, relinBytes, galoisBytes,
                        layout.samplesPerBlock()));
            }
        }
        phase = s.labs().isEmpty() ? Phase.DONE : Phase.SCANNING;
        return out;
    }

    private double varianceRatio(LabReady ready) {
        if (summary.trait() != Trait.QUANTITATIVE || ready.components() == 0) {
            return 1.0;
        }
        if (ready.componentScores() == null || ready.components() >= summary.patients() - summary.covariates()) {
            throw new GwasException(run, -1, GwasException.Stage.MISMATCH, ready.from() + " sent no usable component scores");
        }
        double[] scores;
        try (Ciphertext c = context.loadCiphertext(ready.componentScores())) {
            scores = decryptor.decryptValues(c);
        }
        double kappa = GwasHospital.kappa(summary.patients());
        double explainedOverPhi = 0;
        for (int c = 0; c < ready.components(); c++) {
            explainedOverPhi += round(scores[c]) * round(scores[c]) / (kappa * kappa);
        }
        return NullModel.varianceRatio(summary.patients(), summary.covariates(), ready.components(), explainedOverPhi);
    }

    /** Flower's configure: ask {@code lab} for its block {@code block}. */
    public ScanBlock configureBlock(String lab, int block) {
        nextBlock.put(lab, block + 1);
        return new ScanBlock(new BlockId(run, lab, block));
    }

    /** Flower's aggregate: decrypt one block's U and V and release what the rules allow. */
    public void aggregate(BlockResult result) {
        double[] score;
        double[] variance;
        try (Ciphertext u = context.loadCiphertext(result.score()); Ciphertext v = context.loadCiphertext(result.variance())) {
            score = decryptor.decryptValues(u);
            variance = decryptor.decryptValues(v);
        }
        completedBlocks.merge(result.block().lab(), 1, Integer::sum);
        double ratio = varianceRatio.get(result.block().lab());
        double effectScale = summary.effectScale() * Math.sqrt(ratio);
        for (int o = 0; o < result.variants().size(); o++) {
            VariantQc qc = result.qc().get(o);
            boolean released = qc.minorAlleleCount() >= rules.minMinorAlleleCount();
            ScoreStatistic statistic = released
                    ? new ScoreStatistic(round(score[o]) / (summary.effectScale() * ratio),
                            round(variance[o]) / (summary.effectScale() * summary.effectScale() * ratio))
                    : new ScoreStatistic(Double.NaN, Double.NaN);
            results.add(new VariantResult(result.variants().get(o), result.block().lab(), qc, statistic, effectScale,
                    released));
        }
    }

    /** Flower's decide: the lab's next block, or nothing when it (and perhaps the run) is done. */
    public List<GwasMessage> decide(String lab) {
        int next = nextBlock.get(lab);
        if (next < blocksPerLab.get(lab)) {
            return List.of(configureBlock(lab, next));
        }
        boolean allDone = summary.labs().stream().allMatch(
                l -> blocksPerLab.containsKey(l) && completedBlocks.getOrDefault(l, 0) >= blocksPerLab.get(l));
        if (allDone) {
            phase = Phase.DONE;
        }
        return List.of();
    }

    /** Blocks of each lab already released: where a resumed run starts. */
    public Map<String, Integer> finishedBlocks() {
        return Map.copyOf(completedBlocks);
    }

    public GwasResults results() {
        if (phase != Phase.DONE) {
            throw new IllegalStateException("the scan is not finished");
        }
        return new GwasResults(summary.trait(), summary.patients(), results);
    }

    private static double round(double value) {
        if (value == 0 || !Double.isFinite(value)) {
            return value;
        }
        return new java.math.BigDecimal(value).round(new java.math.MathContext(9)).doubleValue();
    }

    @Override
    public void close() {
        if (context != null) {
            decryptor.close();
            secretKey.close();
            context.close();
        }
    }
}
