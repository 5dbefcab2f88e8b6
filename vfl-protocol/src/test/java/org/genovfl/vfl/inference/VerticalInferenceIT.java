package org.genovfl.vfl.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.genovfl.vfl.inference.InferenceMessages.EncryptedPartialScores;
import org.genovfl.vfl.inference.InferenceMessages.EncryptedScoreSum;
import org.genovfl.vfl.inference.InferenceMessages.ScoringKeys;
import org.genovfl.vfl.math.SigmoidPolynomial;
import org.genovfl.vfl.math.Standardizer;
import org.junit.jupiter.api.Test;

/**
 * Vertical inference between a requesting hospital, two labs and a coordinator, with real
 * SEAL: the requester's scores are the plaintext model's, and every role refuses messages
 * of another run, row count or key.
 */
class VerticalInferenceIT {

    static final String HOSPITAL = "St Ada University Hospital";
    static final String LAB_A = "Helix Sequencing Lab";
    static final String LAB_B = "Second Lab";
    /** More rows than one ciphertext holds, so the last block is partly empty. */
    static final int ROWS = InferenceParameters.slots() + 700;

    final Random random = new Random(11);
    final UUID runId = UUID.randomUUID();

    @Test
    void requesterScoresEqualThePlaintextModelsWithinCkksError() {
        PartyModel hospital = model(5, true);
        PartyModel labA = model(40, false);
        PartyModel labB = model(12, false);
        double[][] xHospital = features(5);
        double[][] xLabA = features(40);
        double[][] xLabB = features(12);
        double[] own = hospital.partialScores(xHospital);
        double[] partA = labA.partialScores(xLabA);
        double[] partB = labB.partialScores(xLabB);

        double[] scores;
        try (ScoreRequester requester = new ScoreRequester(runId, HOSPITAL, own);
                ScoreAggregator coordinator = new ScoreAggregator(requester.keys(), Set.of(LAB_A, LAB_B))) {
            ScoringKeys keys = requester.keys();
            coordinator.add(new ScoreContributor(runId, LAB_A, partA).contribute(keys));
            assertThat(coordinator.complete()).isFalse();
            coordinator.add(new ScoreContributor(runId, LAB_B, partB).contribute(keys));
            assertThat(coordinator.complete()).isTrue();
            EncryptedScoreSum sum = coordinator.sum();
            assertThat(sum.ciphertexts()).hasSize(2);
            scores = requester.scores(sum, List.of(LAB_B, LAB_A));
        }
        double maxError = 0;
        for (int r = 0; r < ROWS; r++) {
            double plain = SigmoidPolynomial.sigmoid(own[r] + partA[r] + partB[r]);
            maxError = Math.max(maxError, Math.abs(scores[r] - plain));
        }
        System.out.printf("%d rows scored; max |encrypted - plaintext| = %.2e%n", ROWS, maxError);
        assertThat(maxError).isLessThan(1e-6);
        // Scores are those of the whole model, not of the hospital's part alone.
        assertThat(scores[0]).isNotCloseTo(SigmoidPolynomial.sigmoid(own[0]), within(1e-3));
    }

    @Test
    void partialScoresStandardiseLikeTrainingAndAddTheInterceptOnce() {
        double[][] x = {{1, 10}, {3, Double.NaN}, {5, 30}};
        Standardizer standardizer = Standardizer.fit(x, new int[] {0, 1, 2});
        PartyModel model = new PartyModel(Standardizer.fromBytes(standardizer.toBytes()), new double[] {2, -1, 0.5},
                true);
        double[] z = model.partialScores(x);
        // Column 0: mean 3, sd 2; column 1: mean 20, sd 14.142; the missing value is the mean.
        assertThat(z[0]).isCloseTo(2 * -1 - -10 / Math.sqrt(200) + 0.5, within(1e-12));
        assertThat(z[1]).isCloseTo(0.5, within(1e-12));
        assertThatThrownBy(() -> model.partialScores(new double[][] {{1}})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Standardizer.fromBytes(new byte[] {0, 0, 0, 1, 0, 0, 0, 9}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void coordinatorRefusesAWrongRunWrongSizeUnknownOrRepeatedContribution() {
        double[] own = new double[ROWS];
        try (ScoreRequester requester = new ScoreRequester(runId, HOSPITAL, own);
                ScoreAggregator coordinator = new ScoreAggregator(requester.keys(), Set.of(LAB_A, LAB_B))) {
            ScoringKeys keys = requester.keys();
            EncryptedPartialScores good = new ScoreContributor(runId, LAB_A, new double[ROWS]).contribute(keys);

            EncryptedPartialScores otherRun = new EncryptedPartialScores(UUID.randomUUID(), LAB_A, ROWS,
                    good.ciphertexts());
            assertRefused(() -> coordinator.add(otherRun), "of run");
            EncryptedPartialScores fewerRows = new EncryptedPartialScores(runId, LAB_A, ROWS - 1, good.ciphertexts());
            assertRefused(() -> coordinator.add(fewerRows), "rows");
            EncryptedPartialScores oneBlock = new EncryptedPartialScores(runId, LAB_A, ROWS,
                    good.ciphertexts().subList(0, 1));
            assertRefused(() -> coordinator.add(oneBlock), "ciphertexts");
            EncryptedPartialScores stranger = new EncryptedPartialScores(runId, "Stranger", ROWS, good.ciphertexts());
            assertRefused(() -> coordinator.add(stranger), "not an expected contributor");
            List<byte[]> garbage = new ArrayList<>(good.ciphertexts());
            byte[] broken = garbage.get(1).clone();
            broken[broken.length / 2] ^= 0x5a;
            garbage.set(1, java.util.Arrays.copyOf(broken, broken.length - 9));
            assertRefused(() -> coordinator.add(new EncryptedPartialScores(runId, LAB_B, ROWS, garbage)), "load");

            coordinator.add(good);
            assertRefused(() -> coordinator.add(good), "already contributed");
            // A ciphertext under another key set does not add to the sum, which stays as it was.
            try (ScoreRequester other = new ScoreRequester(runId, HOSPITAL, own)) {
                EncryptedPartialScores underOtherKey = new ScoreContributor(runId, LAB_B, new double[ROWS])
                        .contribute(other.keys());
                assertRefused(() -> coordinator.add(underOtherKey), "add");
            }
            assertThatThrownBy(coordinator::sum).isInstanceOf(InferenceException.class).hasMessageContaining("waiting");
        }
    }

    @Test
    void requesterDecryptsOneSumOfItsOwnRunSizeAndContributors() {
        double[] own = new double[ROWS];
        try (ScoreRequester requester = new ScoreRequester(runId, HOSPITAL, own);
                ScoreAggregator coordinator = new ScoreAggregator(requester.keys(), Set.of(LAB_A))) {
            coordinator.add(new ScoreContributor(runId, LAB_A, new double[ROWS]).contribute(requester.keys()));
            EncryptedScoreSum sum = coordinator.sum();
            assertThatThrownBy(coordinator::sum).isInstanceOf(InferenceException.class);

            assertRefused(() -> requester.scores(new EncryptedScoreSum(UUID.randomUUID(), ROWS, sum.contributors(),
                    sum.ciphertexts()), List.of(LAB_A)), "of run");
            assertRefused(() -> requester.scores(new EncryptedScoreSum(runId, ROWS + 1, sum.contributors(),
                    sum.ciphertexts()), List.of(LAB_A)), "rows");
            assertRefused(() -> requester.scores(new EncryptedScoreSum(runId, ROWS, sum.contributors(),
                    sum.ciphertexts().subList(0, 1)), List.of(LAB_A)), "ciphertexts");
            assertRefused(() -> requester.scores(sum, List.of(LAB_A, LAB_B)), "contributor");
            // A sum encrypted under another requester's key is refused, not decrypted to noise.
            try (ScoreRequester other = new ScoreRequester(runId, HOSPITAL, own);
                    ScoreAggregator otherCoordinator = new ScoreAggregator(other.keys(), Set.of(LAB_A))) {
                otherCoordinator.add(new ScoreContributor(runId, LAB_A, new double[ROWS]).contribute(other.keys()));
                EncryptedScoreSum foreign = otherCoordinator.sum();
                assertRefused(() -> requester.scores(foreign, List.of(LAB_A)), "decrypt");
            }
            double[] scores = requester.scores(sum, List.of(LAB_A));
            assertThat(scores[ROWS - 1]).isCloseTo(0.5, within(1e-6));
            assertRefused(() -> requester.scores(sum, List.of(LAB_A)), "one sum only");
        }
    }

    @Test
    void contributorEncryptsOnceForItsRowCountUnderTheInferenceParametersOnly() {
        try (ScoreRequester requester = new ScoreRequester(runId, HOSPITAL, new double[ROWS])) {
            ScoringKeys keys = requester.keys();
            assertRefused(() -> new ScoreContributor(runId, LAB_A, new double[ROWS - 1]).contribute(keys), "rows");
            assertRefused(() -> new ScoreContributor(UUID.randomUUID(), LAB_A, new double[ROWS]).contribute(keys),
                    "of run");
            ScoringKeys weaker = new ScoringKeys(runId, HOSPITAL, ROWS, org.genovfl.he.CkksParameters.n8192().toBytes(),
                    keys.publicKey());
            assertRefused(() -> new ScoreContributor(runId, LAB_A, new double[ROWS]).contribute(weaker),
                    "inference parameters");
            ScoringKeys badKey = new ScoringKeys(runId, HOSPITAL, ROWS, keys.parameters(),
                    java.util.Arrays.copyOf(keys.publicKey(), 100));
            assertRefused(() -> new ScoreContributor(runId, LAB_A, new double[ROWS]).contribute(badKey), "public key");
            assertRefused(() -> new ScoreAggregator(badKey, Set.of(LAB_A)), "public key");
            assertRefused(() -> new ScoreAggregator(keys, Set.of(HOSPITAL)), "other than the requester");

            ScoreContributor lab = new ScoreContributor(runId, LAB_A, new double[ROWS]);
            lab.contribute(keys);
            assertRefused(() -> lab.contribute(keys), "already contributed");
        }
    }

    private static void assertRefused(Runnable step, String why) {
        assertThatThrownBy(step::run).isInstanceOf(InferenceException.class).hasMessageContaining(why);
    }

    private PartyModel model(int columns, boolean intercept) {
        double[][] training = features(columns);
        int[] rows = java.util.stream.IntStream.range(0, ROWS).filter(r -> r % 5 != 0).toArray();
        double[] w = new double[columns + (intercept ? 1 : 0)];
        for (int c = 0; c < w.length; c++) {
            w[c] = random.nextGaussian() * 0.3;
        }
        return new PartyModel(Standardizer.fit(training, rows), w, intercept);
    }

    /** Genotype-like dosages and clinical-like values, some missing. */
    private double[][] features(int columns) {
        double[][] x = new double[ROWS][columns];
        for (double[] row : x) {
            for (int c = 0; c < columns; c++) {
                row[c] = random.nextInt(40) == 0 ? Double.NaN : c % 2 == 0 ? random.nextInt(3) : 50 + 10 * random.nextGaussian();
            }
        }
        return x;
    }
}
