package org.genovfl.vfl.inference;

import java.util.Objects;
import org.genovfl.vfl.math.Standardizer;

/**
 * One data holder's share of a released vertical model: the standardisation statistics of
 * its own columns and its own coefficients (standardised scale; the label holder's
 * intercept last). It never leaves the party; {@link #partialScores} is what the party
 * contributes, encrypted, to a score.
 *
 * @param hasIntercept true for the label holder, whose coefficients end with the intercept
 */
public record PartyModel(Standardizer standardizer, double[] coefficients, boolean hasIntercept) {

    /**
     * @throws IllegalArgumentException if the coefficient count does not match the
     *     standardiser's columns (plus one for the intercept)
     */
    public PartyModel {
        Objects.requireNonNull(standardizer, "standardizer");
        Objects.requireNonNull(coefficients, "coefficients");
        if (coefficients.length != standardizer.columns() + (hasIntercept ? 1 : 0)) {
            throw new IllegalArgumentException(coefficients.length + " coefficients for " + standardizer.columns()
                    + " columns" + (hasIntercept ? " and an intercept" : ""));
        }
        coefficients = coefficients.clone();
    }

    @Override
    public double[] coefficients() {
        return coefficients.clone();
    }

    /** Number of raw feature columns this party scores. */
    public int columns() {
        return standardizer.columns();
    }

    /**
     * This party's partial linear score of each row: its standardised columns (a missing
     * value is the training mean) times its coefficients, plus the intercept if it holds it.
     *
     * @param rawFeatures one row per aligned patient, {@link #columns()} raw values each
     * @throws IllegalArgumentException if a row has another number of columns
     */
    public double[] partialScores(double[][] rawFeatures) {
        for (double[] row : rawFeatures) {
            if (row.length != columns()) {
                throw new IllegalArgumentException("rows have " + row.length + " columns; the model has " + columns());
            }
        }
        double[][] x = standardizer.transform(rawFeatures);
        double[] scores = new double[x.length];
        for (int r = 0; r < x.length; r++) {
            double z = hasIntercept ? coefficients[columns()] : 0;
            for (int c = 0; c < columns(); c++) {
                z += x[r][c] * coefficients[c];
            }
            scores[r] = z;
        }
        return scores;
    }
}
