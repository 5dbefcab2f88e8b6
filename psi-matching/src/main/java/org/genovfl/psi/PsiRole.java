package org.genovfl.psi;

/** Who opened the run; the roles differ only in the order of the exchange. */
public enum PsiRole {
    INITIATOR,
    RESPONDER
}
