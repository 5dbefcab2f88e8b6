package org.genovfl.vfl;

import java.util.Arrays;

/**
 * One party's weights and momentum. Nesterov's update is coordinate-wise, so each party
 * runs it on its own coefficients and the parties together follow exactly the trajectory
 * of a centralised optimiser. The last weight is the intercept when {@code hasIntercept}.
 */
public final class NesterovOptimizer {

    private final double[] weights;
    private final double[] velocity;
    private final boolean hasIntercept;

    public NesterovOptimizer(int features, boolean hasIntercept) {
        this(new double[features + (hasIntercept ? 1 : 0)], new double[features + (hasIntercept ? 1 : 0)], hasIntercept);
    }

    private NesterovOptimizer(double[] weights, double[] velocity, boolean hasIntercept) {
        this.weights = weights;
        this.velocity = velocity;
        this.hasIntercept = hasIntercept;
    }

    /** Restores a checkpointed state. */
    public static NesterovOptimizer restore(double[] weights, double[] velocity, boolean hasIntercept) {
        if (weights.length != velocity.length) {
            throw new IllegalArgumentException("weights and velocity differ in length");
        }
        return new NesterovOptimizer(weights.clone(), velocity.clone(), hasIntercept);
    }

    /** The point at which this step's gradient is evaluated: w + μv. */
    public double[] lookahead(double momentum) {
        double[] point = new double[weights.length];
        for (int i = 0; i < point.length; i++) {
            point[i] = weights[i] + momentum * velocity[i];
        }
        return point;
    }

    /**
     * Applies {@code dataGradient} (the mean log-loss gradient at the look-ahead point)
     * plus the L2 term, except on the intercept.
     */
    public void step(double[] dataGradient, double learningRate, double momentum, double l2) {
        if (dataGradient.length != weights.length) {
            throw new IllegalArgumentException("gradient has " + dataGradient.length + " entries, weights " + weights.length);
        }
        double[] point = lookahead(momentum);
        for (int i = 0; i < weights.length; i++) {
            boolean intercept = hasIntercept && i == weights.length - 1;
            double g = dataGradient[i] + (intercept ? 0 : l2 * point[i]);
            velocity[i] = momentum * velocity[i] - learningRate * g;
            weights[i] += velocity[i];
        }
    }

    public double[] weights() {
        return Arrays.copyOf(weights, weights.length);
    }

    public double[] velocity() {
        return Arrays.copyOf(velocity, velocity.length);
    }

    public boolean hasIntercept() {
        return hasIntercept;
    }

    /** Scores of {@code rows} of standardised {@code x} at {@code point} (weights, intercept last). */
    public static double[] scores(double[][] x, int[] rows, double[] point, boolean hasIntercept) {
        double[] z = new double[rows.length];
        int features = point.length - (hasIntercept ? 1 : 0);
        for (int k = 0; k < rows.length; k++) {
            double[] row = x[rows[k]];
            double s = hasIntercept ? point[features] : 0;
            for (int c = 0; c < features; c++) {
                s += row[c] * point[c];
            }
            z[k] = s;
        }
        return z;
    }
}
