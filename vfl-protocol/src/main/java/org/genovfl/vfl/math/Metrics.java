package org.genovfl.vfl.math;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Evaluation of a binary classifier from probabilities and 0/1 labels: ROC AUC with a
 * DeLong confidence interval, log-loss, accuracy at 0.5, Brier score and a calibration
 * table. Pure functions.
 */
public final class Metrics {

    private static final double EPSILON = 1e-15;

    private Metrics() {
    }

    /** AUC and its 95% confidence interval (DeLong, DeLong and Clarke-Pearson 1988). */
    public record Auc(double value, double lower, double upper) {
    }

    /** One bin of a calibration table: patients whose predicted probability fell in [from, to). */
    public record CalibrationBin(double from, double to, int count, double meanPredicted, double observedRate) {
    }

    /** Calibration intercept and slope (ideal 0 and 1): see {@link #calibrationFit}. */
    public record CalibrationFit(double intercept, double slope) {
    }

    /** Everything the evaluation report shows. */
    public record Report(int patients, int positives, Auc auc, double logLoss, double accuracy, double brier,
            CalibrationBin[] calibration) {
    }

    public static Report evaluate(double[] probabilities, double[] labels) {
        check(probabilities, labels);
        int positives = (int) Arrays.stream(labels).filter(y -> y == 1.0).count();
        return new Report(labels.length, positives, auc(probabilities, labels), logLoss(probabilities, labels),
                accuracy(probabilities, labels), brier(probabilities, labels), calibration(probabilities, labels, 10));
    }

    /**
     * ROC AUC by midranks (ties count one half) with DeLong's variance.
     *
     * @throws IllegalArgumentException if lengths differ, a label is not 0 or 1, or one class is absent
     */
    public static Auc auc(double[] scores, double[] labels) {
        check(scores, labels);
        int n = scores.length;
        double[] combinedRanks = midranks(scores, IntStream.range(0, n).toArray());
        int[] pos = IntStream.range(0, n).filter(i -> labels[i] == 1.0).toArray();
        int[] neg = IntStream.range(0, n).filter(i -> labels[i] == 0.0).toArray();
        if (pos.length == 0 || neg.length == 0) {
            throw new IllegalArgumentException("AUC needs both classes; positives=" + pos.length + ", negatives=" + neg.length);
        }
        double[] posRanks = midranks(scores, pos);
        double[] negRanks = midranks(scores, neg);
        double[] v10 = new double[pos.length];
        for (int k = 0; k < pos.length; k++) {
            v10[k] = (combinedRanks[pos[k]] - posRanks[k]) / neg.length;
        }
        double[] v01 = new double[neg.length];
        for (int k = 0; k < neg.length; k++) {
            v01[k] = 1.0 - (combinedRanks[neg[k]] - negRanks[k]) / pos.length;
        }
        double auc = mean(v10);
        double variance = sampleVariance(v10) / pos.length + sampleVariance(v01) / neg.length;
        double half = 1.959963984540054 * Math.sqrt(variance);
        return new Auc(auc, Math.max(0, auc - half), Math.min(1, auc + half));
    }

    public static double logLoss(double[] probabilities, double[] labels) {
        check(probabilities, labels);
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            double p = Math.min(1 - EPSILON, Math.max(EPSILON, probabilities[i]));
            sum -= labels[i] * Math.log(p) + (1 - labels[i]) * Math.log(1 - p);
        }
        return sum / labels.length;
    }

    public static double accuracy(double[] probabilities, double[] labels) {
        check(probabilities, labels);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if ((probabilities[i] >= 0.5 ? 1.0 : 0.0) == labels[i]) {
                correct++;
            }
        }
        return (double) correct / labels.length;
    }

    public static double brier(double[] probabilities, double[] labels) {
        check(probabilities, labels);
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            double d = probabilities[i] - labels[i];
            sum += d * d;
        }
        return sum / labels.length;
    }

    /** Equal-width bins over [0, 1]; empty bins are reported with count 0. */
    public static CalibrationBin[] calibration(double[] probabilities, double[] labels, int bins) {
        check(probabilities, labels);
        int[] count = new int[bins];
        double[] predicted = new double[bins];
        double[] observed = new double[bins];
        for (int i = 0; i < labels.length; i++) {
            int b = Math.min(bins - 1, (int) (probabilities[i] * bins));
            count[b]++;
            predicted[b] += probabilities[i];
            observed[b] += labels[i];
        }
        CalibrationBin[] table = new CalibrationBin[bins];
        for (int b = 0; b < bins; b++) {
            table[b] = new CalibrationBin((double) b / bins, (double) (b + 1) / bins, count[b],
                    count[b] == 0 ? Double.NaN : predicted[b] / count[b], count[b] == 0 ? Double.NaN : observed[b] / count[b]);
        }
        return table;
    }

    /**
     * Logistic recalibration (Cox 1958): the intercept a and slope b of
     * {@code logit P(y=1) = a + b·logit(p)}, fitted by Newton's method. A well calibrated
     * model has a = 0 and b = 1; b < 1 means the scores are too extreme (over-fitting), b > 1
     * too timid. Probabilities are clipped to [1e-9, 1 − 1e-9] first.
     *
     * @throws IllegalArgumentException as {@link #auc}, or if the fit does not converge
     */
    public static CalibrationFit calibrationFit(double[] probabilities, double[] labels) {
        check(probabilities, labels);
        int n = labels.length;
        double[] logit = new double[n];
        for (int i = 0; i < n; i++) {
            double p = Math.min(1 - 1e-9, Math.max(1e-9, probabilities[i]));
            logit[i] = Math.log(p / (1 - p));
        }
        double a = 0;
        double b = 1;
        for (int iteration = 0; iteration < 100; iteration++) {
            double ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
            for (int i = 0; i < n; i++) {
                double q = 1 / (1 + Math.exp(-(a + b * logit[i])));
                double r = labels[i] - q;
                double w = q * (1 - q);
                ga += r;
                gb += r * logit[i];
                haa += w;
                hab += w * logit[i];
                hbb += w * logit[i] * logit[i];
            }
            double det = haa * hbb - hab * hab;
            if (!(Math.abs(det) > 1e-12)) {
                throw new IllegalArgumentException("calibration cannot be fitted: the scores do not vary");
            }
            double da = (hbb * ga - hab * gb) / det;
            double db = (haa * gb - hab * ga) / det;
            a += da;
            b += db;
            if (Math.abs(da) + Math.abs(db) < 1e-10) {
                return new CalibrationFit(a, b);
            }
        }
        if (!Double.isFinite(a) || !Double.isFinite(b)) {
            throw new IllegalArgumentException("calibration fit did not converge (separable labels?)");
        }
        return new CalibrationFit(a, b);
    }

    /** Midranks (1-based, ties averaged) of scores[indices[k]] among the given indices. */
    private static double[] midranks(double[] scores, int[] indices) {
        Integer[] order = new Integer[indices.length];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        Arrays.sort(order, Comparator.comparingDouble(k -> scores[indices[k]]));
        double[] ranks = new double[indices.length];
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j + 1 < order.length && scores[indices[order[j + 1]]] == scores[indices[order[i]]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double sampleVariance(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double m = mean(values);
        double sum = 0;
        for (double v : values) {
            sum += (v - m) * (v - m);
        }
        return sum / (values.length - 1);
    }

    private static void check(double[] probabilities, double[] labels) {
        if (probabilities.length != labels.length) {
            throw new IllegalArgumentException("probabilities and labels differ in length: "
                    + probabilities.length + " vs " + labels.length);
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("no patients to evaluate");
        }
        for (double y : labels) {
            if (y != 0.0 && y != 1.0) {
                throw new IllegalArgumentException("labels must be 0 or 1, found " + y);
            }
        }
    }
}
