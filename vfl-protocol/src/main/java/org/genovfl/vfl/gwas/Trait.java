package org.genovfl.vfl.gwas;

/** The outcome's type, which fixes the null model and its weights. */
public enum Trait {
    /** 0/1 outcome: logistic null model, weights mu0 (1 - mu0), variance scale 1. */
    BINARY,
    /** Real outcome: linear null model, unit weights, variance scale sigma^2 of its residuals. */
    QUANTITATIVE
}
