package org.genovfl.psi;

/** What a run reveals to the two parties. */
public enum PsiMode {
    /** Both learn which of their own patients are shared, in one canonical row order. */
    INTERSECTION,
    /**
     * Both learn only how many patients are shared: each party shuffles the values it
     * returns, so neither can tell which of its own patients matched.
     */
    CARDINALITY
}
