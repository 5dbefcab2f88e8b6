package org.genovfl.vfl;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.genovfl.vfl.math.Metrics;
import org.genovfl.vfl.protocol.Coordinator;
import org.genovfl.vfl.protocol.FeatureHolder;
import org.genovfl.vfl.protocol.LabelHolder;
import org.genovfl.vfl.protocol.Messages;
import org.genovfl.vfl.protocol.Messages.EncryptedResiduals;
import org.genovfl.vfl.protocol.Messages.EncryptedScores;
import org.genovfl.vfl.protocol.Messages.EpochDecision;
import org.genovfl.vfl.protocol.Messages.MaskedGradient;
import org.genovfl.vfl.protocol.Messages.ValidationReport;
import org.genovfl.vfl.protocol.RoundId;
import org.genovfl.vfl.protocol.TestEvaluation;
import org.genovfl.vfl.protocol.TrainingCheckpoint;
import org.genovfl.vfl.he.RunKeys;

/**
 * Runs the three roles of a vertical logistic-regression run in one process, passing the
 * same serialized messages the party services exchange over mutual TLS. For tests,
 * benchmarks and as the reference order of messages; the party service drives the same
 * roles over the network.
 */
public final class LocalTrainingRun {

    /** One epoch's outcome as the hospital and coordinator see it. */
    public record Epoch(int epoch, ValidationReport validation, EpochDecision decision, long messageBytes) {
    }

    /**
     * The run's outcome: each party's released coefficients (standardised scale), the
     * per-epoch history, the released model's test report (null without test rows or after
     * divergence), the configuration with its learning rate resolved, and why the run
     * failed (null if it released a model).
     */
    public record Result(double[] hospitalWeights, List<double[]> labWeights, List<Epoch> epochs, int bestEpoch,
            Metrics.Report finalReport, int releasedEpoch, Messages.TestReport test, TrainingConfig config,
            String failure) {
    }

    /**
     * Simulates a crash of one data holder: after round {@code afterRound} (counted from 0
     * over all epochs and batches) the party's object is discarded and a new one is built
     * from its own data, the key setup and the checkpoint bytes it wrote, as the party
     * service does after a restart.
     */
    public record Interruption(String party, int afterRound) {
    }

    /** Sees every masked message the coordinator decrypts, with what it returned. */
    public interface CoordinatorView {
        void decrypted(String sender, RoundId round, List<double[]> maskedValues, double[] trueGradient);
    }

    private LocalTrainingRun() {
    }

    /**
     * @param clinical the hospital's feature columns, one row per aligned patient
     * @param labels 0/1 outcome per aligned patient
     * @param labFeatures each lab's feature columns, same rows
     */
    public static Result train(double[][] clinical, double[] labels, List<double[][]> labFeatures, TrainingConfig config,
            Consumer<Epoch> progress) {
        return train(clinical, labels, labFeatures, config, progress, null, (sender, round, values, gradient) -> { });
    }

    /** As {@link #train(double[][], double[], List, TrainingConfig, Consumer)}, with a crash and a view of the coordinator. */
    public static Result train(double[][] clinical, double[] labels, List<double[][]> labFeatures, TrainingConfig requested,
            Consumer<Epoch> progress, Interruption interruption, CoordinatorView view) {
        UUID runId = UUID.randomUUID();
        TrainingConfig config = resolveLearningRate(clinical, labFeatures, requested);
        Set<String> holders = new LinkedHashSet<>();
        holders.add("hospital");
        for (int k = 0; k < labFeatures.size(); k++) {
            holders.add("lab-" + k);
        }
        int maxFeatures = clinical[0].length + 1;
        for (double[][] lab : labFeatures) {
            maxFeatures = Math.max(maxFeatures, lab[0].length);
        }
        int featuresPerBlock = Math.min(16, Integer.highestOneBit(Math.max(1, maxFeatures - 1)) << 1);
        List<FeatureHolder> labs = new ArrayList<>();
        LabelHolder hospital = null;
        try (Coordinator coordinator = new Coordinator(runId, config, "hospital", holders, featuresPerBlock)) {
            hospital = new LabelHolder("hospital", clinical, labels, labFeatures.size(), config, coordinator.keySetup());
            for (int k = 0; k < labFeatures.size(); k++) {
                labs.add(new FeatureHolder("lab-" + k, labFeatures.get(k), config, coordinator.keySetup()));
            }
            CohortSplit split = CohortSplit.of(labels.length, config);
            List<Epoch> epochs = new ArrayList<>();
            int roundsDone = 0;
            for (int epoch = 0; !coordinator.finished(); epoch++) {
                long bytes = 0;
                for (int batch = 0; batch < split.batchesPerEpoch(); batch++) {
                    RoundId round = new RoundId(runId, epoch, batch);
                    coordinator.beginRound(round);
                    List<EncryptedScores> scores = new ArrayList<>();
                    for (FeatureHolder lab : labs) {
                        scores.add(lab.scores(round));
                    }
                    EncryptedResiduals residuals = hospital.residuals(round, scores);
                    for (FeatureHolder lab : labs) {
                        MaskedGradient g = lab.gradient(residuals);
                        bytes += size(g.ciphertexts());
                        var answer = coordinator.decrypt(g);
                        lab.applyGradient(answer);
                        view.decrypted(lab.name(), round, answer.values(), lab.lastGradient());
                    }
                    MaskedGradient own = hospital.gradient(round);
                    bytes += size(own.ciphertexts());
                    var answer = coordinator.decrypt(own);
                    hospital.applyGradient(answer);
                    view.decrypted(hospital.name(), round, answer.values(), hospital.lastGradient());
                    bytes += scores.stream().mapToLong(s -> size(s.ciphertexts())).sum()
                            + size(residuals.ciphertexts()) * labs.size();
                    if (interruption != null && interruption.afterRound() == roundsDone) {
                        if (interruption.party().equals(hospital.name())) {
                            byte[] saved = hospital.checkpoint(round).toBytes();
                            hospital.close();
                            hospital = new LabelHolder("hospital", clinical, labels, labFeatures.size(), config,
                                    coordinator.keySetup());
                            hospital.restore(TrainingCheckpoint.fromBytes(saved));
                        }
                        for (int k = 0; k < labs.size(); k++) {
                            if (interruption.party().equals(labs.get(k).name())) {
                                byte[] saved = labs.get(k).checkpoint(round).toBytes();
                                labs.get(k).close();
                                FeatureHolder restarted = new FeatureHolder("lab-" + k, labFeatures.get(k), config,
                                        coordinator.keySetup());
                                restarted.restore(TrainingCheckpoint.fromBytes(saved));
                                labs.set(k, restarted);
                            }
                        }
                    }
                    roundsDone++;
                }
                RoundId validation = RoundId.validation(runId, epoch);
                coordinator.beginRound(validation);
                List<EncryptedScores> scores = new ArrayList<>();
                for (FeatureHolder lab : labs) {
                    scores.add(lab.validationScores(validation));
                }
                ValidationReport report = hospital.validationReport(
                        coordinator.decrypt(hospital.maskedValidationScores(validation, scores)));
                EpochDecision decision = coordinator.decide(report);
                hospital.onDecision(decision);
                for (FeatureHolder lab : labs) {
                    lab.onDecision(decision);
                }
                Epoch outcome = new Epoch(epoch, report, decision, bytes);
                epochs.add(outcome);
                progress.accept(outcome);
            }
            List<double[]> labWeights = labs.stream().map(FeatureHolder::finalWeights).toList();
            EpochDecision last = epochs.get(epochs.size() - 1).decision();
            if (last.failed()) {
                return new Result(hospital.finalWeights(), labWeights, epochs, coordinator.bestEpoch(),
                        hospital.bestReport(), EpochDecision.NOT_RELEASED, null, config, last.reason());
            }
            Messages.TestReport test = split.test().length == 0 ? null
                    : test(runId, coordinator, hospital, labs, clinical, labels, labFeatures, config);
            return new Result(hospital.finalWeights(), labWeights, epochs, coordinator.bestEpoch(),
                    hospital.releasedReport(), last.releasedEpoch(), test, config, null);
        } finally {
            labs.forEach(FeatureHolder::close);
            if (hospital != null) {
                hospital.close();
            }
        }
    }

    /**
     * The configuration with its step size: as given, or derived from every party's local
     * eigenvalue bound ({@link StepSize}), as the party services do before a run starts.
     */
    public static TrainingConfig resolveLearningRate(double[][] clinical, List<double[][]> labFeatures,
            TrainingConfig config) {
        if (config.hasLearningRate()) {
            return config;
        }
        double bound = StepSize.localBound(clinical, true, config);
        for (double[][] lab : labFeatures) {
            bound += StepSize.localBound(lab, false, config);
        }
        return config.withLearningRate(StepSize.learningRate(bound, config.l2()));
    }

    /** The released model on the test rows: every party scores with the share it released. */
    private static Messages.TestReport test(UUID runId, Coordinator coordinator, LabelHolder hospital,
            List<FeatureHolder> labs, double[][] clinical, double[] labels, List<double[][]> labFeatures,
            TrainingConfig config) {
        RoundId round = RoundId.test(runId, coordinator.releasedEpoch());
        try (RunKeys keys = RunKeys.load(coordinator.keySetup())) {
            List<EncryptedScores> scores = new ArrayList<>();
            for (int k = 0; k < labs.size(); k++) {
                scores.add(TestEvaluation.labScores(round, labs.get(k).name(), labs.get(k).releasedModel(),
                        labFeatures.get(k), config, keys));
            }
            TestEvaluation evaluation = new TestEvaluation(round, hospital.releasedModel(), clinical, labels,
                    labs.size(), config, keys);
            return evaluation.report(coordinator.decryptTest(evaluation.maskedScores(scores)));
        }
    }

    private static long size(List<byte[]> ciphertexts) {
        return ciphertexts.stream().mapToLong(b -> b.length).sum();
    }
}
